import { processStats } from "@leadline/testkit";
import { benchLead, postBulk, type BenchContext } from "../bench-context.ts";
import { summarize, timed, type Summary } from "../stats.ts";

export interface ThroughputResult {
  clients: number;
  leads: number;
  leadsPerSecond: number;
  requestMs: Summary;
  /** The built API, as `pnpm start` runs it. */
  apiPeakRssMb: number;
  /** The same load on the API run from its sources through tsx, as `pnpm dev` does. */
  tsxApiPeakRssMb: number;
}

async function pushLeads(ctx: BenchContext, clients: number, total: number, fromSources: boolean) {
  const db = await ctx.database(fromSources ? "throughput_tsx" : "throughput");
  const api = await ctx.api(db, { fromSources });
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
  return { seconds, latencies, peakRssMb: processStats(api.child.pid!).peakRssMb };
}

/**
 * `clients` callers on as many accounts pushing `total` leads in 1000-lead requests at once,
 * against the built API; then the same load against the API run through tsx, for its memory.
 */
export async function runThroughput(ctx: BenchContext, clients: number, total: number): Promise<ThroughputResult> {
  const built = await pushLeads(ctx, clients, total, false);
  const fromSources = await pushLeads(ctx, clients, total, true);
  return {
    clients,
    leads: total,
    leadsPerSecond: total / built.seconds,
    requestMs: summarize(built.latencies),
    apiPeakRssMb: built.peakRssMb,
    tsxApiPeakRssMb: fromSources.peakRssMb,
  };
}
