import { createLeadlineClient } from "@leadline/client";
import { benchLead, bulkBody, postBulk, rawLeadDocs, type BenchContext } from "../bench-context.ts";
import { summarize, timed, type Summary } from "../stats.ts";

export interface IngestResult {
  requests: number;
  restMs: Summary;
  trpcMs: Summary;
  rawInsertMs: Summary;
  ingestOverheadRatio: number;
}

/**
 * 1000-lead requests over REST and over tRPC against the driver's own
 * `insertMany({ordered:false})` of the same documents into the same
 * collection, interleaved so that machine noise hits all three alike.
 */
export async function runIngest(ctx: BenchContext, requests: number): Promise<IngestResult> {
  const db = await ctx.database("ingest");
  const api = await ctx.api(db);
  const account = await ctx.seed(db);
  const { campaign } = account;
  const client = createLeadlineClient({ url: api.url, apiKey: account.apiKey });
  let next = 0;
  const batch = () => Array.from({ length: 1000 }, () => benchLead(next++));

  const rest: number[] = [];
  const trpc: number[] = [];
  const raw: number[] = [];
  const warmup = 3;
  for (let i = 0; i < requests + warmup; i++) {
    // Bodies are built before the clock starts, as the raw insert's documents are.
    const restBody = bulkBody(account.campaignId, batch());
    const trpcInput = { campaignId: account.campaignId, leads: batch() };
    const restTime = await timed(() => postBulk(api.url, account.apiKey, account.campaignId, restBody));
    const trpcTime = await timed(() => client.leads.bulkCreate.mutate(trpcInput));
    // The baseline gets documents built outside the timing: only the driver and the database count.
    const docs = rawLeadDocs(campaign, batch());
    const rawTime = await timed(() => db.repos.collections.leads.insertMany(docs, { ordered: false }));
    if (i < warmup) continue;
    rest.push(restTime.ms);
    trpc.push(trpcTime.ms);
    raw.push(rawTime.ms);
  }
  const restMs = summarize(rest);
  const rawInsertMs = summarize(raw);
  return {
    requests,
    restMs,
    trpcMs: summarize(trpc),
    rawInsertMs,
    ingestOverheadRatio: restMs.median / rawInsertMs.median,
  };
}
