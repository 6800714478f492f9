import { runWorker, parseDispatcherConfig } from "@leadline/dispatcher";
import { TestDialer, waitFor } from "@leadline/testkit";
import { seedDueLeads, type BenchContext } from "../bench-context.ts";
import { claimOneLead } from "../single-claim-baseline.ts";

export interface DispatchResult {
  leads: number;
  concurrency: number;
  workerLeadsPerSecond: number;
  bareClaimsPerSecond: number;
  dispatchRatio: number;
}

/**
 * Leads handed off per second by one worker with an instant dialer, against
 * a bare loop of the same claim (`findOneAndUpdate`) at the same concurrency.
 */
export async function runDispatch(ctx: BenchContext, leads: number, concurrency = 4): Promise<DispatchResult> {
  const bareDb = await ctx.database("dispatch_bare");
  const bareCampaign = await seedDueLeads(ctx, bareDb, leads);
  const bareStarted = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (
        await claimOneLead(bareDb.repos.collections, {
          workerId: "bare",
          scope: { anyZone: [bareCampaign._id], byZone: [] },
          leaseMs: 600_000,
          now: new Date(),
        })
      );
    }),
  );
  const bareClaimsPerSecond = leads / ((performance.now() - bareStarted) / 1000);

  const workerDb = await ctx.database("dispatch_worker");
  await seedDueLeads(ctx, workerDb, leads);
  const dialer = new TestDialer("bench-dialer-secret-0123456789");
  await dialer.start();
  const started = performance.now();
  const worker = await runWorker(
    parseDispatcherConfig({
      MONGODB_URI: ctx.mongoUri,
      MONGODB_DB: workerDb.dbName,
      DIALER_URL: dialer.url,
      DIALER_SECRET: "bench-dialer-secret-0123456789",
      DISPATCH_CONCURRENCY: String(concurrency),
      DISPATCH_POLL_MS: "20",
      LOG_LEVEL: "warn",
    }),
  );
  await waitFor("every lead dispatched", () => worker.dispatcher.stats.delivered >= leads, 600_000);
  // Stopping writes the last batch of deliveries: part of the work, so inside the timing.
  await worker.stop();
  const workerLeadsPerSecond = leads / ((performance.now() - started) / 1000);
  const recorded = await workerDb.repos.leads.countByState(
    (await workerDb.repos.collections.campaigns.findOne({}))!._id,
  );
  if (recorded.dispatched !== leads) throw new Error(`expected ${leads} dispatched, found ${recorded.dispatched}`);
  await dialer.stop();
  return {
    leads,
    concurrency,
    workerLeadsPerSecond,
    bareClaimsPerSecond,
    dispatchRatio: workerLeadsPerSecond / bareClaimsPerSecond,
  };
}
