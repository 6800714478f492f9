// Compares the API CPU per lead of two builds in one run: `pnpm build`'s output against another
// bundle (a copy of an earlier build), both on one database server, their requests alternating so
// that the machine's noise hits both alike; each side also gets the ingest suite's ratio (request wall time
// over a raw insertMany of like documents, one after each round). With --profile, the current build runs under
// --cpu-prof instead and the profile is written to the given folder.
//
//   cp services/api/dist/main.node.js services/api/dist/base/   # before the change
//   pnpm build && tsx bench/src/compare-api-cpu.ts --base dist/base/main.node.js --rounds 12
import { mkdirSync } from "node:fs";
import { parseArgs } from "node:util";
import { ObjectId } from "@leadline/db";
import { startApiProcess, threadCpuMs, testPhone, type ApiProcess } from "@leadline/testkit";
import { BenchContext, benchLead, bulkBody, rawLeadDocs } from "./bench-context.ts";
import { summarize } from "./stats.ts";

const { values } = parseArgs({
  options: {
    // Relative to services/api, e.g. dist/base/main.node.js; without it only the current build runs.
    base: { type: "string" },
    // The build to compare, likewise; dist/main.node.js when not given.
    current: { type: "string" },
    // Node options for the base side only, after those of `pnpm start` (a later V8 flag wins), to
    // compare heap settings on one build: --base dist/main.node.js --base-node-args "--max-semi-space-size=16".
    "base-node-args": { type: "string" },
    rounds: { type: "string", default: "10" },
    "per-round": { type: "string", default: "10" },
    profile: { type: "string" },
    // Without Idempotency-Key and suppression entries, which the requests otherwise have (10 of each one's numbers listed).
    plain: { type: "boolean", default: false },
  },
});
const rounds = Number(values.rounds);
const perRound = Number(values["per-round"]);
const features = !values.plain;
const LEADS = 1000;

const ctx = await BenchContext.start((line) => console.error(line));
try {
  interface Side {
    name: string;
    api: ApiProcess;
    apiKey: string;
    campaignId: string;
    next: number;
    samples: number[];
    /** Wall time of each measured request, and of a raw insertMany of 1000 like documents after it. */
    requestMs: number[];
    rawMs: number[];
    insertRaw(): Promise<number>;
  }
  const sides: Side[] = [];
  const entries: [string, string | undefined][] = [["current", values.current]];
  if (values.base) entries.unshift(["base", values.base]);
  for (const [name, entry] of entries) {
    const db = await ctx.database(`compare_${name}`);
    const nodeArgs: string[] = [];
    if (values.profile && !entry) {
      mkdirSync(values.profile, { recursive: true });
      nodeArgs.push("--cpu-prof", `--cpu-prof-dir=${values.profile}`);
    }
    if (name === "base" && values["base-node-args"]) nodeArgs.push(...values["base-node-args"].split(/\s+/).filter(Boolean));
    // The entry given replaces dist/main.node.js: node runs the first script named.
    if (entry) nodeArgs.push(entry);
    const api = await startApiProcess(
      { MONGODB_URI: ctx.mongoUri, MONGODB_DB: db.dbName, BULK_RATE_LIMIT: "1000000000", LOG_LEVEL: "info" },
      { built: true, nodeArgs },
    );
    const account = await ctx.seed(db);
    if (features) {
      // 1000 entries: 10 numbers of each request's series and others of another area code.
      const matching = Array.from({ length: 100 }, (_, r) =>
        Array.from({ length: 10 }, (_, i) => benchLead(r * LEADS + i).phoneNumber),
      ).flat();
      await db.repos.suppressions.add({
        accountId: new ObjectId(account.accountId),
        campaignId: null,
        phoneNumbers: [...matching.slice(0, 500), ...Array.from({ length: 500 }, (_, i) => testPhone(i, 917))],
        source: "import",
      });
    }
    let rawNext = 0;
    const insertRaw = async () => {
      const docs = rawLeadDocs(
        account.campaign,
        Array.from({ length: LEADS }, () => benchLead(10_000_000 + rawNext++)),
      );
      const started = performance.now();
      await db.repos.collections.leads.insertMany(docs, { ordered: false });
      return performance.now() - started;
    };
    sides.push({
      name,
      api,
      apiKey: account.apiKey,
      campaignId: account.campaignId,
      next: 0,
      samples: [],
      requestMs: [],
      rawMs: [],
      insertRaw,
    });
  }

  let keyCounter = 0;
  const post = async (side: Side) => {
    const leads = Array.from({ length: LEADS }, () => benchLead(side.next++));
    const headers: Record<string, string> = { "content-type": "application/json", "x-api-key": side.apiKey };
    if (features) headers["idempotency-key"] = `compare-${process.pid}-${++keyCounter}`;
    const body = bulkBody(side.campaignId, leads);
    const started = performance.now();
    const response = await fetch(`${side.api.url}/api/v1/leads/bulk`, { method: "POST", headers, body });
    const text = await response.text();
    const ms = performance.now() - started;
    if (response.status !== 200) throw new Error(`${side.name}: ${response.status} ${text}`);
    return ms;
  };
  for (const side of sides) for (let i = 0; i < 5; i++) await post(side);
  for (let round = 0; round < rounds; round++) {
    const order = round % 2 === 0 ? sides : [...sides].reverse();
    for (const side of order) {
      const before = threadCpuMs(side.api.child.pid!);
      for (let i = 0; i < perRound; i++) side.requestMs.push(await post(side));
      const after = threadCpuMs(side.api.child.pid!);
      side.samples.push(((after - before) * 1000) / (perRound * LEADS));
      // The ingest suite's baseline, in the same database: the driver's own insert of like documents.
      side.rawMs.push(await side.insertRaw());
    }
  }
  const medians: Record<string, number> = {};
  for (const side of sides) {
    const summary = summarize(side.samples);
    medians[side.name] = summary.median;
    console.log(
      `${side.name}: ${summary.median.toFixed(2)} µs/lead (p5 ${summary.p5.toFixed(2)}, p95 ${summary.p95.toFixed(2)}, n ${summary.n}) samples ${side.samples.map((s) => s.toFixed(1)).join(" ")}`,
    );
    const request = summarize(side.requestMs).median;
    const raw = summarize(side.rawMs).median;
    console.log(
      `${side.name}: request ${request.toFixed(1)} ms, raw insertMany ${raw.toFixed(1)} ms (medians), ratio ${(request / raw).toFixed(2)}`,
    );
  }
  if (medians.base && medians.current) {
    // Each round's two samples were taken back to back: their ratio cancels most of the machine's drift.
    const [base, current] = sides;
    const ratios = summarize(current!.samples.map((sample, round) => sample / base!.samples[round]!));
    console.log(
      `current / base: ${(medians.current / medians.base).toFixed(3)} (of medians); per round ${ratios.median.toFixed(3)} (p5 ${ratios.p5.toFixed(3)}, p95 ${ratios.p95.toFixed(3)})`,
    );
  }
  for (const side of sides) await side.api.stop("SIGINT");
} finally {
  await ctx.stop();
}
