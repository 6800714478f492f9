import { FaultProxy, startApiProcess, waitFor } from "@leadline/testkit";
import { benchLead, type BenchContext } from "../bench-context.ts";
import { summarize, type Summary } from "../stats.ts";

export interface RecoveryResult {
  blips: number;
  blipMs: number;
  /** Seconds from the database's return to the API's first /healthz 200. */
  recoverySeconds: Summary;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * The outage of issue 8, repeated: an API process (`pnpm start`) reaches the
 * database through a proxy, two clients send 20-lead requests every 50 ms,
 * and the proxy drops every connection for `blipMs`; the first blip lands on
 * the very first requests. /healthz is polled every 100 ms from the
 * database's return until it answers 200, then the cycle repeats after a
 * second. A client that never recovers fails the run after 60 s.
 */
export async function runRecovery(ctx: BenchContext, blips: number, blipMs = 3_000): Promise<RecoveryResult> {
  const db = await ctx.database("recovery");
  const account = await ctx.seed(db);
  const proxy = FaultProxy.forMongoUri(ctx.mongoUri);
  await proxy.start();
  const api = await startApiProcess({
    MONGODB_URI: proxy.rewrite(ctx.mongoUri),
    MONGODB_DB: db.dbName,
    BULK_RATE_LIMIT: "1000000000",
    MONGODB_SERVER_SELECTION_TIMEOUT_MS: "1500",
  });
  let sending = true;
  let sent = 0;
  let next = 0;
  const clients = [0, 1].map(async () => {
    while (sending) {
      const leads = Array.from({ length: 20 }, () => benchLead(next++));
      sent++;
      await fetch(`${api.url}/api/v1/leads/bulk`, {
        method: "POST",
        headers: { "content-type": "application/json", "x-api-key": account.apiKey },
        body: JSON.stringify({ campaignId: account.campaignId, leads }),
      })
        .then((response) => response.arrayBuffer())
        .catch(() => undefined);
      await sleep(50);
    }
  });
  const seconds: number[] = [];
  try {
    await waitFor("the first request sent", () => sent > 0, 5_000);
    for (let blip = 1; blip <= blips; blip++) {
      await proxy.cut();
      await sleep(blipMs);
      await proxy.restore();
      const restoredAt = performance.now();
      while (
        (await fetch(`${api.url}/healthz`).then(
          (response) => response.status,
          () => 0,
        )) !== 200
      ) {
        if (performance.now() - restoredAt > 60_000) throw new Error(`the API did not recover after blip ${blip}`);
        await sleep(100);
      }
      seconds.push((performance.now() - restoredAt) / 1000);
      ctx.log(`  blip ${blip}: healthy ${seconds.at(-1)!.toFixed(2)} s after the database's return`);
      await sleep(1_000);
    }
  } finally {
    sending = false;
    await Promise.all(clients);
    await api.stop();
    await proxy.stop();
  }
  return { blips, blipMs, recoverySeconds: summarize(seconds) };
}
