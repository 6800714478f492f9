import { benchLead, bulkBody, type BenchContext } from "../bench-context.ts";
import { timed, timedRounds, type Summary } from "../stats.ts";

export interface IdempotencyResult {
  requests: number;
  /** 1000 new leads without an Idempotency-Key. */
  withoutKeyMs: Summary;
  /** 1000 new leads with a new Idempotency-Key: the request plus storing its key and answer. */
  withKeyMs: Summary;
  /** The same request and key again: the stored answer replayed, nothing written. */
  replayMs: Summary;
  /** Median with key minus median without: what storing the key costs per request. */
  storeExtraMs: number;
  storeExtraMicrosPerLead: number;
  /** Median replay, the whole request (it replaces the request rather than adding to it). */
  replayMsPerRequest: number;
  /** Median replay / median without key. */
  replayVsRequest: number;
}

const WARMUP = 3;

async function post(url: string, apiKey: string, body: string, key?: string) {
  const response = await fetch(`${url}/api/v1/leads/bulk`, {
    method: "POST",
    headers: {
      "content-type": "application/json",
      "x-api-key": apiKey,
      ...(key ? { "idempotency-key": key } : {}),
    },
    body,
  });
  const text = await response.text();
  if (response.status !== 200) throw new Error(`bulk request failed: ${response.status} ${text.slice(0, 200)}`);
  return { replayed: response.headers.get("idempotent-replayed") === "true", created: JSON.parse(text).data.created };
}

/**
 * What Idempotency-Key costs on the bulk endpoint: 1000-lead requests of new
 * leads without a key and with a new key, then the keyed request repeated
 * (a replay), round-robin in one API process so the noise hits all three.
 */
export async function runIdempotency(ctx: BenchContext, requests: number): Promise<IdempotencyResult> {
  const db = await ctx.database("idempotency");
  const api = await ctx.api(db);
  const account = await ctx.seed(db);
  let next = 0;
  const batch = () =>
    bulkBody(
      account.campaignId,
      Array.from({ length: 1000 }, () => benchLead(next++)),
    );
  const { withoutKeyMs, withKeyMs, replayMs } = await timedRounds(requests, WARMUP, async (i) => {
    const plain = batch();
    const keyed = batch();
    const key = `bench-${process.pid}-${i}`;
    const a = await timed(() => post(api.url, account.apiKey, plain));
    const b = await timed(() => post(api.url, account.apiKey, keyed, key));
    const c = await timed(() => post(api.url, account.apiKey, keyed, key));
    if (a.value.created !== 1000 || b.value.created !== 1000 || b.value.replayed) {
      throw new Error("expected 1000 new leads stored, not replayed");
    }
    if (!c.value.replayed || c.value.created !== 1000) throw new Error("expected the keyed request to be replayed");
    return { withoutKeyMs: a.ms, withKeyMs: b.ms, replayMs: c.ms };
  });
  const storeExtraMs = withKeyMs.median - withoutKeyMs.median;
  return {
    requests,
    withoutKeyMs,
    withKeyMs,
    replayMs,
    storeExtraMs,
    storeExtraMicrosPerLead: storeExtraMs,
    replayMsPerRequest: replayMs.median,
    replayVsRequest: replayMs.median / withoutKeyMs.median,
  };
}
