import { processStats } from "@leadline/testkit";
import { benchLead, postBulk, type BenchContext } from "../bench-context.ts";
import { summarize, timed, type Summary } from "../stats.ts";

export interface ThroughputResult {
  clients: number;
  leads: number;
  leadsPerSecond: number;
  requestMs: Summary;
  apiPeakRssMb: number;
}

/** `clients` callers on as many accounts pushing `total` leads in 1000-lead requests at once. */
export async function runThroughput(ctx: BenchContext, clients: number, total: number): Promise<ThroughputResult> {
  const db = await ctx.database("throughput");
  const api = await ctx.api(db);
  const accounts = await Promise.all(Array.from({ length: clients }, () => ctx.seed(db)));
  let next = 0;
  const latencies: number[] = [];
  const started = performance.now();
  await Promise.all(
    accounts.map(async (account) => {
      while (next < total) {
        const start = next;
        next += 1000;
        const leads = Array.from({ length: Math.min(1000, total - start) }, (_, i) => benchLead(start + i));
        latencies.push((await timed(() => postBulk(api.url, account.apiKey, account.campaignId, leads))).ms);
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  return {
    clients,
    leads: total,
    leadsPerSecond: total / seconds,
    requestMs: summarize(latencies),
    apiPeakRssMb: processStats(api.child.pid!).peakRssMb,
  };
}
