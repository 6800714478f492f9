import { runWorker, parseDispatcherConfig } from "@leadline/dispatcher";
import { TestDialer } from "@leadline/testkit";
import { seedDueLeads, type BenchContext, type BenchDatabase } from "../bench-context.ts";
import { startSingleClaimWorker } from "../single-claim-baseline.ts";
import { describe, round, summarize, type Summary } from "../stats.ts";

export interface DispatchBatchResult {
  /** The due backlog each run starts from. */
  leads: number;
  /** Each run ends when every lead is handed off or after this long, whichever comes first. */
  windowSeconds: number;
  campaigns: number;
  concurrency: number;
  batchSize: number;
  rounds: number;
  /** Hand-offs made per run, summed over the rounds. */
  batchHandOffs: number;
  singleHandOffs: number;
  /** Hand-offs per second, one figure per round. */
  batchLeadsPerSecond: Summary;
  singleLeadsPerSecond: Summary;
  /** batch ÷ single, one ratio per round (each round runs both, back to back). */
  speedups: Summary;
  dispatchBatchSpeedup: number;
}

const SECRET = "bench-dialer-secret-0123456789";
const round2 = (value: number) => Math.round(value * 100) / 100;

/**
 * Hand-offs per second of one worker on a backlog of `leads` due leads: from its start until
 * every lead is handed off or `windowMs` has passed (and it made at least two dialer-fulls of
 * hand-offs). Checks that the dialer saw no lead twice.
 */
async function drain(
  ctx: BenchContext,
  db: BenchDatabase,
  dialer: TestDialer,
  leads: number,
  windowMs: number,
  concurrency: number,
  kind: "batch" | "single",
  batchSize: number,
): Promise<{ handOffs: number; perSecond: number }> {
  const started = performance.now();
  const config = parseDispatcherConfig({
    MONGODB_URI: ctx.mongoUri,
    MONGODB_DB: db.dbName,
    DIALER_URL: dialer.url,
    DIALER_SECRET: SECRET,
    DISPATCH_CONCURRENCY: String(concurrency),
    DISPATCH_BATCH_SIZE: String(batchSize),
    DISPATCH_POLL_MS: "20",
    // Throughput, not lease expiry, is measured: on a server that scans the backlog for each
    // claim, a claim queued behind others can outlast the default lease before it is answered.
    DISPATCH_LEASE_MS: "600000",
    LOG_LEVEL: "warn",
  });
  const worker = kind === "batch" ? await runWorker(config) : await startSingleClaimWorker(config);
  // At least two dialer-fulls, so that a slow claim cannot leave a window empty.
  const minHandOffs = Math.min(leads, 2 * concurrency);
  const deadline = started + windowMs;
  const giveUp = started + windowMs + 600_000;
  for (;;) {
    const { delivered } = worker.dispatcher.stats;
    if (delivered >= leads || (performance.now() >= deadline && delivered >= minHandOffs)) break;
    if (performance.now() > giveUp) throw new Error(`only ${delivered} hand-offs in ${(giveUp - started) / 1000} s`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  // Timed to the window's end, for both alike: stopping then waits for claims still queued
  // at the server, which says nothing of either worker's pace.
  const handOffs = worker.dispatcher.stats.delivered;
  const perSecond = handOffs / ((performance.now() - started) / 1000);
  await worker.stop();
  const keys = new Set(dialer.calls.map((call) => call.body.leadId));
  if (keys.size !== dialer.calls.length) {
    throw new Error(`a lead was handed off twice: ${dialer.calls.length} hand-offs for ${keys.size} leads`);
  }
  const recorded = await db.repos.collections.leads.countDocuments({ state: "dispatched" });
  if (recorded < keys.size) {
    // An overloaded server can drop a recording write (the driver clears its pool when a
    // heartbeat times out); such a lead would be handed over again once its lease expired.
    ctx.log(`  ${keys.size - recorded} of ${keys.size} hand-offs not recorded (the database dropped the write)`);
  }
  return { handOffs, perSecond };
}

/**
 * The same load (`leads` due leads over `campaigns` campaigns) worked by one worker with batch
 * claims and by the single-claim baseline (`single-claim-baseline.ts`: one `findOneAndUpdate` per lead), same concurrency, both with
 * an instant dialer. Each round runs both, alternating which goes first, so the machine's
 * noise hits both; each run gets a freshly seeded database of its own. A run ends when the
 * backlog is drained or its window closes: on a server without secondary indexes (the Java
 * wire server) every claim scans the backlog, and the single-claim worker would need hours
 * to drain 20,000 leads, so both are measured over the same window from the same backlog.
 */
export async function runDispatchBatch(
  ctx: BenchContext,
  leads: number,
  rounds: number,
  { windowSeconds = 30, campaigns = 20, concurrency = 16, batchSize = 50 } = {},
): Promise<DispatchBatchResult> {
  const batch: number[] = [];
  const single: number[] = [];
  const speedups: number[] = [];
  const handOffs = { batch: 0, single: 0 };
  for (let round = 0; round < rounds; round++) {
    const order = round % 2 === 0 ? (["single", "batch"] as const) : (["batch", "single"] as const);
    const figures: Record<string, number> = {};
    for (const kind of order) {
      const db = await ctx.database(`dispatch_batch_${kind}`);
      await seedDueLeads(ctx, db, leads, campaigns);
      const dialer = new TestDialer(SECRET);
      await dialer.start();
      try {
        const run = await drain(ctx, db, dialer, leads, windowSeconds * 1000, concurrency, kind, batchSize);
        figures[kind] = run.perSecond;
        handOffs[kind] += run.handOffs;
      } finally {
        await dialer.stop();
        await db.connection.db.dropDatabase().catch(() => undefined);
      }
      ctx.log(`  round ${round + 1}/${rounds} ${kind}: ${round2(figures[kind]!)} hand-offs/s`);
    }
    batch.push(figures.batch!);
    single.push(figures.single!);
    speedups.push(figures.batch! / figures.single!);
  }
  const speedup = summarize(speedups);
  return {
    leads,
    windowSeconds,
    campaigns,
    concurrency,
    batchSize,
    rounds,
    batchHandOffs: handOffs.batch,
    singleHandOffs: handOffs.single,
    batchLeadsPerSecond: summarize(batch),
    singleLeadsPerSecond: summarize(single),
    speedups: speedup,
    dispatchBatchSpeedup: speedup.median,
  };
}

/** The suite's section of bench/RESULTS.md. */
export function dispatchBatchMarkdown(d: DispatchBatchResult): string {
  return `## dispatch-batch: ${d.leads} due leads over ${d.campaigns} campaigns, concurrency ${d.concurrency}, batch claims of up to ${d.batchSize}

dispatchBatchSpeedup (batch hand-offs/s ÷ single-claim hand-offs/s, target ≥ 3): **${round(d.dispatchBatchSpeedup)}**
(p5 ${round(d.speedups.p5)}, p95 ${round(d.speedups.p95)}, n ${d.speedups.n} rounds, each running both, alternating which goes first)

- batch claims (\`DISPATCH_BATCH_SIZE=${d.batchSize}\`): ${describe(d.batchLeadsPerSecond, "hand-offs/s")}, ${d.batchHandOffs} hand-offs in all
- single claims (one \`findOneAndUpdate\` per lead, the baseline): ${describe(d.singleLeadsPerSecond, "hand-offs/s")}, ${d.singleHandOffs} hand-offs in all
- each run starts from the full backlog and ends when it is drained or after ${d.windowSeconds} s (once it made at
  least ${2 * d.concurrency} hand-offs); the dialer is checked to see no lead twice
`;
}
