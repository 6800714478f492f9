import { describe, expect, it } from "vitest";
import { SIGNATURE_HEADER, verifyPayload } from "@leadline/core";
import { ObjectId, seedAccount } from "@leadline/db";
import { waitFor } from "@leadline/testkit";
import { postBulk, useApiServer } from "../support/api-server.ts";
import { useTestDatabase } from "../support/database.ts";
import { useDispatcherWorkers } from "../support/dispatcher-workers.ts";
import { rest } from "../support/rest.ts";
import type { WorkerRuntime } from "../support/worker-process.ts";

/**
 * Issue 21, item 7: every attempt of a lead carried the lead id as its Idempotency-Key, so a
 * dialer that drops repeats by key dropped the retry after `busy`, and a worker's crash made the
 * same hand-off come back as the next attempt, whose outcome then no longer matched. Now the key
 * is `<leadId>:<attempt>`, one per hand-off, and hand-offs are signed as webhooks are.
 */
describe.each<WorkerRuntime>(["node", "deno"])("hand-off keys and signatures, workers under %s", (runtime) => {
  const db = useTestDatabase(`hand_off_key_${runtime}`);
  const api = useApiServer(db);
  const { dialer, secret, workers, start } = useDispatcherWorkers(runtime, db);

  it(
    "repeats a hand-off after a SIGKILL with the same key and attempt, applies its outcome, and keys the retry after busy anew",
    { timeout: 90_000 },
    async () => {
      const account = await seedAccount(db.repos);
      const dialerKey = (
        await db.repos.apiKeys.create({
          accountId: new ObjectId(account.accountId),
          name: "dialer",
          scopes: ["dialer"],
        })
      ).key;
      const patched = await rest(api.url, account.apiKey, "PATCH", `/campaigns/${account.campaignId}`, {
        callingHours: null,
        maxAttempts: 3,
        retryPolicy: { busy: 0 },
      });
      expect(patched.status).toBe(200);
      const created = await postBulk(api.url, account.apiKey, {
        campaignId: account.campaignId,
        leads: [{ phoneNumber: "+12125550142" }],
      });
      const leadId = (created.body.data.createdIds as string[])[0]!;

      // The first worker's hand-off hangs; it is killed long before its own 5 s timeout.
      dialer.answer = () => ({ status: 200, delayMs: 30_000 });
      const doomed = await start({ DISPATCH_LEASE_MS: "5500", DISPATCH_TIMEOUT_MS: "5000" });
      await waitFor("the first hand-off", () => dialer.calls.length === 1);
      await doomed.stop("SIGKILL");
      workers.splice(workers.indexOf(doomed), 1);

      dialer.answer = () => ({ status: 200 });
      await start();
      await waitFor("the hand-off repeated", () => dialer.calls.length === 2);
      const lead = () => db.repos.collections.leads.findOne({ _id: new ObjectId(leadId) });
      await waitFor("the repeat recorded", async () => (await lead())?.state === "dispatched");
      // The same hand-off: same attempt, same key, same body.
      expect(dialer.calls.map((call) => [call.idempotencyKey, call.body.attempt])).toEqual([
        [`${leadId}:1`, 1],
        [`${leadId}:1`, 1],
      ]);
      expect(await lead()).toMatchObject({ state: "dispatched", attempts: 1 });

      // The dialer dropped the repeat; the outcome of the call it made applies.
      const reported = await rest(api.url, dialerKey, "POST", "/outcomes", {
        outcomes: [{ leadId, attempt: 1, outcome: "busy" }],
      });
      expect(reported.body.data).toEqual({ applied: 1, ignored: [] });

      // Busy is retried at once: a new hand-off, so a new key.
      await waitFor("the retry after busy", () => dialer.calls.length === 3);
      expect([dialer.calls[2]!.idempotencyKey, dialer.calls[2]!.body.attempt]).toEqual([`${leadId}:2`, 2]);

      // Every hand-off signed `t=<unix seconds>,v1=<hex>` over "<t>.<body>", the timestamp fresh.
      for (const call of dialer.calls) {
        const header = String(call.headers[SIGNATURE_HEADER.toLowerCase()]);
        expect(header).toMatch(/^t=\d+,v1=[0-9a-f]{64}$/);
        expect(Math.abs(Number(/^t=(\d+)/.exec(header)![1]) * 1000 - call.at)).toBeLessThan(60_000);
        expect(call.signatureValid).toBe(true);
        // The body is the worker's JSON.stringify, so serialising it again gives the same bytes.
        const body = JSON.stringify(call.body);
        const t = Number(/^t=(\d+)/.exec(header)![1]);
        expect(await verifyPayload(secret, body, header, { nowSeconds: t + 300 })).toBe(true);
        expect(await verifyPayload(secret, body, header, { nowSeconds: t + 301 })).toBe(false);
        expect(await verifyPayload(`${secret}x`, body, header, { nowSeconds: t })).toBe(false);
      }
    },
  );
});
