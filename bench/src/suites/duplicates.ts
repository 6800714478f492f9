import { benchLead, postBulk, type BenchContext } from "../bench-context.ts";
import { summarize, timed, type Summary } from "../stats.ts";

export interface DuplicatesResult {
  requests: number;
  allNewMs: Summary;
  ninetyPercentStoredMs: Summary;
  duplicateHeavyRatio: number;
}

/** A 1000-lead request of which 900 are already stored, against one of 1000 new leads. */
export async function runDuplicates(ctx: BenchContext, requests: number): Promise<DuplicatesResult> {
  const db = await ctx.database("duplicates");
  const api = await ctx.api(db);
  const account = await ctx.seed(db);
  let next = 0;
  const send = (leads: unknown[]) => postBulk(api.url, account.apiKey, account.campaignId, leads);
  const allNew: number[] = [];
  const heavy: number[] = [];
  const warmup = 2;
  for (let i = 0; i < requests + warmup; i++) {
    const fresh = Array.from({ length: 1000 }, () => benchLead(next++));
    const freshTime = await timed(() => send(fresh));
    // 900 of the next request are stored first, through the API as a caller would have.
    const mixed = Array.from({ length: 1000 }, () => benchLead(next++));
    await send(mixed.slice(0, 900));
    const heavyTime = await timed(() => send(mixed));
    if (heavyTime.value.skipped !== 900) throw new Error(`expected 900 skipped, got ${heavyTime.value.skipped}`);
    if (i < warmup) continue;
    allNew.push(freshTime.ms);
    heavy.push(heavyTime.ms);
  }
  const allNewMs = summarize(allNew);
  const ninetyPercentStoredMs = summarize(heavy);
  return { requests, allNewMs, ninetyPercentStoredMs, duplicateHeavyRatio: ninetyPercentStoredMs.median / allNewMs.median };
}
