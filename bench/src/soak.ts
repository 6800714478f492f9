import { readdirSync } from "node:fs";
import { parseArgs } from "node:util";
import { processStats } from "@leadline/testkit";
import { BenchContext, benchLead } from "./bench-context.ts";
import { round, summarize } from "./stats.ts";

const HELP = `Usage: pnpm soak [--seconds 120] [--clients 4] [--json]

Runs an API process flat out for a while: each client on its own account
sends 500-lead requests without pause, with a duplicate-heavy request and an
invalid one now and then. Reports the answers by status, the API process's
memory over time and its open file descriptors (sockets) at the start and
the end. Exits 1 on an unexpected answer, a memory trend, or leaked sockets.`;

const { values } = parseArgs({
  options: {
    seconds: { type: "string", default: "120" },
    clients: { type: "string", default: "4" },
    json: { type: "boolean", default: false },
    help: { type: "boolean", short: "h", default: false },
  },
});
if (values.help) {
  console.log(HELP);
  process.exit(0);
}
const seconds = Number(values.seconds);
const log = (line: string) => (values.json ? undefined : console.error(line));
const openDescriptors = (pid: number) => readdirSync(`/proc/${pid}/fd`).length;

const ctx = await BenchContext.start(log);
try {
  const db = await ctx.database("soak");
  const api = await ctx.api(db);
  const pid = api.child.pid!;
  const accounts = await Promise.all(Array.from({ length: Number(values.clients) }, () => ctx.seed(db)));
  const statuses = new Map<string, number>();
  const count = (key: string) => statuses.set(key, (statuses.get(key) ?? 0) + 1);
  const rss: number[] = [];
  let leadsSent = 0;
  const descriptorsAtStart = openDescriptors(pid);
  const deadline = Date.now() + seconds * 1000;
  const sampler = setInterval(() => rss.push(processStats(pid).rssMb), 1000);

  await Promise.all(
    accounts.map(async (account, client) => {
      // Each client numbers its own phones, so its duplicate-heavy requests repeat its own leads.
      let next = client * 100_000_000;
      for (let i = 0; Date.now() < deadline; i++) {
        const send = async (leads: unknown[], expected: number) => {
          const response = await fetch(`${api.url}/api/v1/leads/bulk`, {
            method: "POST",
            headers: { "content-type": "application/json", "x-api-key": account.apiKey },
            body: JSON.stringify({ campaignId: account.campaignId, leads }),
          }).catch(() => undefined);
          await response?.arrayBuffer();
          count(
            response?.status === expected
              ? `expected ${expected}`
              : `UNEXPECTED ${response?.status ?? "network error"}`,
          );
        };
        if (i % 10 === 9) await send([{ phoneNumber: "not a phone" }], 400);
        else if (i % 10 === 5)
          await send(
            Array.from({ length: 500 }, (_, k) => benchLead(next - 1 - k)),
            200,
          );
        else {
          const leads = Array.from({ length: 500 }, () => benchLead(next++));
          leadsSent += leads.length;
          await send(leads, 200);
        }
        if (client === 0 && i % 50 === 0)
          log(`${Math.round((deadline - Date.now()) / 1000)} s left, rss ${round(rss.at(-1) ?? 0, 1)} MiB`);
      }
    }),
  );
  clearInterval(sampler);
  // Let keep-alive sockets of the clients time out before counting what is left open.
  await new Promise((resolve) => setTimeout(resolve, 6000));
  const descriptorsAtEnd = openDescriptors(pid);

  const third = Math.max(1, Math.floor(rss.length / 3));
  const early = summarize(rss.slice(third, 2 * third)).median;
  const late = summarize(rss.slice(-third)).median;
  const result = {
    seconds,
    clients: accounts.length,
    leadsSent,
    leadsPerSecond: Math.round(leadsSent / seconds),
    answers: Object.fromEntries(statuses),
    rssMb: {
      first: round(rss[0] ?? 0, 1),
      middleMedian: round(early, 1),
      lastThirdMedian: round(late, 1),
      max: round(Math.max(...rss), 1),
    },
    openDescriptors: { start: descriptorsAtStart, end: descriptorsAtEnd },
    stored: await db.repos.collections.leads.countDocuments({}),
  };
  const unexpected = [...statuses.keys()].some((key) => key.startsWith("UNEXPECTED"));
  // Memory grows while caches and pools fill; a leak keeps growing after that.
  const growing = late > early * 1.25 + 20;
  const leaked = descriptorsAtEnd > descriptorsAtStart + 10;
  console.log(JSON.stringify({ ...result, ok: !unexpected && !growing && !leaked && result.stored === leadsSent }));
  process.exitCode = unexpected || growing || leaked || result.stored !== leadsSent ? 1 : 0;
} finally {
  await ctx.stop();
}
