import { afterAll, describe, expect, it } from "vitest";
import { createWorkerLogger } from "@leadline/core";
import { ObjectId, seedAccount } from "@leadline/db";
import { createWebhookDeliveries, createWebhookSendSlots } from "@leadline/db/imports";
import { waitFor } from "@leadline/testkit";
import { parseBackgroundWorkerConfig } from "../../services/background-worker/src/config.ts";
import { WebhookDeliveryLoop } from "../../services/background-worker/src/webhook-delivery-loop.ts";
import type { ResolveHost } from "../../services/background-worker/src/webhook-target.ts";
import { createNodeWebhookTransport } from "../../services/background-worker/src/webhook-transport.node.ts";
import { useTestDatabase } from "../support/database.ts";

/**
 * Issue 21 follow-up: the delivery loop's early SSRF check resolved the host
 * with no signal, outside WEBHOOK_TIMEOUT_MS, so a name whose DNS never
 * answered held a sender, its delivery's lease and an endpoint slot for ever
 * (on Node, a thread of the pool `dns.lookup` shares with file reads too).
 * The resolver here is the runtime seam the entry files inject, made to hang.
 */
describe("a webhook attempt whose host name never resolves", () => {
  const db = useTestDatabase("issue21_webhook_dns_timeout");
  const loops: WebhookDeliveryLoop[] = [];
  afterAll(async () => {
    await Promise.all(loops.map((loop) => loop.stop()));
  });

  it(
    "ends timed out within WEBHOOK_TIMEOUT_MS, and frees its lease and endpoint slot",
    { timeout: 30_000 },
    async () => {
      const { accountId } = await seedAccount(db.repos);
      const account = new ObjectId(accountId);
      const endpoint = await db.repos.webhookEndpoints.create(
        account,
        { url: "https://stalls.example.com/hook", events: ["lead.failed"], secret: "whsec_x" },
        10,
      );
      if (typeof endpoint === "string") throw new Error("endpoint not created");
      await db.repos.outbox.enqueueEvent(account, "lead.failed", { lead: { id: "l1" } }, "lead.failed:l1:1");

      let resolutions = 0;
      const stalled: ResolveHost = () => {
        resolutions += 1;
        return new Promise<string[]>(() => undefined);
      };
      const config = parseBackgroundWorkerConfig({
        MONGODB_URI: db.uri,
        WEBHOOK_TIMEOUT_MS: "300",
        WEBHOOK_POLL_MS: "20",
        WEBHOOK_RETRY_BASE_MS: "600000",
      });
      const collections = db.repos.collections;
      const loop = new WebhookDeliveryLoop(
        config.webhooks,
        "dns-timeout-test",
        createWebhookDeliveries(collections),
        createWebhookSendSlots(collections),
        { resolveHost: stalled, transport: createNodeWebhookTransport(stalled, false) },
        createWorkerLogger("silent", {}),
      );
      loops.push(loop);
      loop.start();

      const delivery = () => collections.webhookDeliveries.findOne({ endpointId: endpoint._id });
      await waitFor("the attempt to be recorded", async () => ((await delivery())?.attempts ?? 0) === 1, 10_000);
      const recorded = (await delivery())!;
      expect(resolutions).toBeGreaterThanOrEqual(1);
      expect(recorded).toMatchObject({ state: "pending", attempts: 1, lastError: "timed out after 0.3 s" });
      expect(recorded.leaseOwner).toBeUndefined();
      await waitFor("the endpoint slot to be freed", async () => {
        const stored = await collections.webhookEndpoints.findOne({ _id: endpoint._id });
        return Object.keys(stored?.sendSlots ?? {}).length === 0;
      });
    },
  );
});
