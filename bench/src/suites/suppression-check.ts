import { ObjectId } from "@leadline/db";
import { testPhone } from "@leadline/testkit";
import { benchLead, bulkBody, postBulk, type BenchContext } from "../bench-context.ts";
import { summarize, timed, type Summary } from "../stats.ts";

export interface SuppressionCheckResult {
  requests: number;
  /** Suppression entries of each account with a list. */
  entries: number;
  /** Leads of each 1000-lead request that are on the list, for the matching account. */
  matchingPerRequest: number;
  noEntriesMs: Summary;
  entriesNoneMatchingMs: Summary;
  entriesSomeMatchingMs: Summary;
  /** The check's query alone, from the bench process, against the list with no match: the database's share. */
  queryAloneMs: Summary;
  /** Median request time minus the median without entries, per request and per lead. */
  noneMatchingExtraMs: number;
  noneMatchingExtraMicrosPerLead: number;
  someMatchingExtraMs: number;
  someMatchingExtraMicrosPerLead: number;
}

const LEADS_PER_REQUEST = 1000;
const MATCHING_PER_REQUEST = 10;
const WARMUP = 3;

/**
 * What the ingest suppression check costs: the same 1000-lead REST requests
 * against three accounts on one API process, one without suppression entries,
 * one with `entries` account-wide entries of which none match the requests,
 * and one whose entries include 10 numbers of every request. Requests go
 * round-robin over the three, so the machine's noise hits all alike.
 */
export async function runSuppressionCheck(
  ctx: BenchContext,
  requests: number,
  entries: number,
): Promise<SuppressionCheckResult> {
  const db = await ctx.database("suppression_check");
  const api = await ctx.api(db);
  const [empty, noneMatching, someMatching] = [await ctx.seed(db), await ctx.seed(db), await ctx.seed(db)];
  const rounds = requests + WARMUP;
  // Every account gets the same phones in the same order, so the three requests of a round differ
  // only by the account's list.
  const batchOf = (round: number) =>
    Array.from({ length: LEADS_PER_REQUEST }, (_, i) => benchLead(round * LEADS_PER_REQUEST + i));
  const matching = Array.from({ length: rounds }, (_, round) =>
    batchOf(round)
      .slice(0, MATCHING_PER_REQUEST)
      .map((lead) => lead.phoneNumber),
  ).flat();
  // Numbers of another area code than the requests' (201): never among them.
  const unrelated = (count: number) => Array.from({ length: count }, (_, i) => testPhone(i, 917));
  const fill = async (accountId: string, phones: string[]) => {
    for (let at = 0; at < phones.length; at += 1000) {
      await db.repos.suppressions.add({
        accountId: new ObjectId(accountId),
        campaignId: null,
        phoneNumbers: phones.slice(at, at + 1000),
        source: "import",
      });
    }
  };
  await fill(noneMatching.accountId, unrelated(entries));
  await fill(someMatching.accountId, [...matching, ...unrelated(Math.max(0, entries - matching.length))]);

  const queryAlone: number[] = [];
  const times = new Map<string, number[]>([
    [empty.accountId, []],
    [noneMatching.accountId, []],
    [someMatching.accountId, []],
  ]);
  for (let round = 0; round < rounds; round++) {
    const leads = batchOf(round);
    for (const account of [empty, noneMatching, someMatching]) {
      // The body is built before the clock starts: only the request counts.
      const body = bulkBody(account.campaignId, leads);
      const { ms, value } = await timed(() => postBulk(api.url, account.apiKey, account.campaignId, body));
      const expectedSkipped = account === someMatching ? MATCHING_PER_REQUEST : 0;
      if (value.skipped !== expectedSkipped) {
        throw new Error(`expected ${expectedSkipped} suppressed leads, the API skipped ${value.skipped}`);
      }
      if (round >= WARMUP) times.get(account.accountId)!.push(ms);
    }
    const phones = leads.map((lead) => lead.phoneNumber);
    const { ms } = await timed(() =>
      db.repos.suppressions.suppressedAmong(
        new ObjectId(noneMatching.accountId),
        new ObjectId(noneMatching.campaignId),
        phones,
      ),
    );
    if (round >= WARMUP) queryAlone.push(ms);
  }
  const noEntriesMs = summarize(times.get(empty.accountId)!);
  const entriesNoneMatchingMs = summarize(times.get(noneMatching.accountId)!);
  const entriesSomeMatchingMs = summarize(times.get(someMatching.accountId)!);
  const extra = (summary: Summary) => summary.median - noEntriesMs.median;
  return {
    requests,
    entries,
    matchingPerRequest: MATCHING_PER_REQUEST,
    noEntriesMs,
    entriesNoneMatchingMs,
    entriesSomeMatchingMs,
    queryAloneMs: summarize(queryAlone),
    noneMatchingExtraMs: extra(entriesNoneMatchingMs),
    noneMatchingExtraMicrosPerLead: (extra(entriesNoneMatchingMs) * 1000) / LEADS_PER_REQUEST,
    someMatchingExtraMs: extra(entriesSomeMatchingMs),
    someMatchingExtraMicrosPerLead: (extra(entriesSomeMatchingMs) * 1000) / LEADS_PER_REQUEST,
  };
}
