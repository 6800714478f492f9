import { benchLead, bulkBody, postBulk, rawLeadDocs, type BenchContext } from "../bench-context.ts";
import { timed, timedRounds, type Summary } from "../stats.ts";

export interface DuplicatesResult {
  requests: number;
  allNewMs: Summary;
  ninetyPercentStoredMs: Summary;
  duplicateHeavyRatio: number;
  /** The same comparison for the driver's insertMany alone: what the database itself charges for refused writes. */
  rawAllNewMs: Summary;
  rawNinetyPercentStoredMs: Summary;
  rawDuplicateHeavyRatio: number;
}

const WARMUP = 2;

/** A 1000-lead request of which 900 are already stored, against one of 1000 new leads. */
export async function runDuplicates(ctx: BenchContext, requests: number): Promise<DuplicatesResult> {
  const db = await ctx.database("duplicates");
  const api = await ctx.api(db);
  const account = await ctx.seed(db);
  let next = 0;
  const send = (leads: unknown[] | string) => postBulk(api.url, account.apiKey, account.campaignId, leads);
  const rawInsert = (leads: ReturnType<typeof benchLead>[]) =>
    db.repos.collections.leads
      .insertMany(rawLeadDocs(account.campaign, leads), { ordered: false })
      .catch(() => undefined);
  const { allNewMs, ninetyPercentStoredMs, rawAllNewMs, rawNinetyPercentStoredMs } = await timedRounds(
    requests,
    WARMUP,
    async () => {
      const fresh = bulkBody(
        account.campaignId,
        Array.from({ length: 1000 }, () => benchLead(next++)),
      );
      const freshTime = await timed(() => send(fresh));
      // 900 of the next request are stored first, through the API as a caller would have.
      const mixed = Array.from({ length: 1000 }, () => benchLead(next++));
      await send(mixed.slice(0, 900));
      const mixedBody = bulkBody(account.campaignId, mixed);
      const heavyTime = await timed(() => send(mixedBody));
      if (heavyTime.value.skipped !== 900) throw new Error(`expected 900 skipped, got ${heavyTime.value.skipped}`);
      const rawFresh = Array.from({ length: 1000 }, () => benchLead(next++));
      const rawFreshTime = await timed(() => rawInsert(rawFresh));
      const rawMixed = Array.from({ length: 1000 }, () => benchLead(next++));
      await rawInsert(rawMixed.slice(0, 900));
      const rawHeavyTime = await timed(() => rawInsert(rawMixed));
      return {
        allNewMs: freshTime.ms,
        ninetyPercentStoredMs: heavyTime.ms,
        rawAllNewMs: rawFreshTime.ms,
        rawNinetyPercentStoredMs: rawHeavyTime.ms,
      };
    },
  );
  return {
    requests,
    allNewMs,
    ninetyPercentStoredMs,
    duplicateHeavyRatio: ninetyPercentStoredMs.median / allNewMs.median,
    rawAllNewMs,
    rawNinetyPercentStoredMs,
    rawDuplicateHeavyRatio: rawNinetyPercentStoredMs.median / rawAllNewMs.median,
  };
}
