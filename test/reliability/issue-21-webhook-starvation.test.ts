import { describe, expect, it } from "vitest";
import { ObjectId, seedAccount } from "@leadline/db";
import { waitFor } from "@leadline/testkit";
import { useApiServer } from "../support/api-server.ts";
import { useTestDatabase } from "../support/database.ts";
import { rest } from "../support/rest.ts";
import { useWorkersAndReceivers } from "../support/webhook-fixtures.ts";
import { WebhookReceiver } from "../support/webhook-receiver.ts";
import { startBackgroundWorkerProcess, type WorkerRuntime } from "../support/worker-process.ts";

const register = async (url: string, apiKey: string, hook: string, events: string[]) => {
  const answer = await rest(url, apiKey, "POST", "/webhooks", { url: hook, events });
  expect(answer.status).toBe(201);
  return answer.body.data.id as string;
};

/**
 * Issue 21, item 8: webhook deliveries were one global first-come queue, so
 * one account's endpoints that hang until the timeout held every sender and
 * lagged every other account by hours.
 */
describe.each<WorkerRuntime>(["node", "deno"])("one account's hanging webhooks under %s", (runtime) => {
  const db = useTestDatabase(`issue21_webhook_starvation_${runtime}`);
  const server = useApiServer(db, {
    WEBHOOK_ALLOW_HOSTS: "127.0.0.1",
    WEBHOOK_ALLOW_PRIVATE: "true",
    WEBHOOK_MAX_PER_ACCOUNT: "20",
  });
  const { workers, receivers } = useWorkersAndReceivers();

  it(
    "do not delay another account's delivery: the flooding account holds at most half the senders",
    { timeout: 90_000 },
    async () => {
      const flooder = await seedAccount(db.repos);
      const other = await seedAccount(db.repos);
      const hanging = await WebhookReceiver.start(() => "hang");
      const quick = await WebhookReceiver.start(() => 200);
      receivers.push(hanging, quick);
      for (let i = 0; i < 20; i++) {
        await register(server.url, flooder.apiKey, `${hanging.url}/endpoint-${i}`, ["import.failed"]);
      }
      await register(server.url, other.apiKey, `${quick.url}/other`, ["import.failed"]);
      // 200 events for 20 endpoints: 4000 deliveries, planned before the other account's one event exists.
      const flooderId = new ObjectId(flooder.accountId);
      for (let n = 0; n < 200; n++) {
        await db.repos.outbox.enqueueEvent(flooderId, "import.failed", { n }, `import.failed:flood-${n}`);
      }
      workers.push(
        await startBackgroundWorkerProcess(runtime, {
          MONGODB_URI: db.uri,
          MONGODB_DB: db.dbName,
          WEBHOOK_POLL_MS: "50",
          WEBHOOK_ALLOW_PRIVATE: "true",
          // The defaults that matter here: 4 senders, a 10 s timeout.
          WEBHOOK_CONCURRENCY: "4",
          WEBHOOK_TIMEOUT_MS: "10000",
        }),
      );
      await waitFor("the flooding account's deliveries to hang", () => hanging.open.now >= 2);

      const sentAt = Date.now();
      await db.repos.outbox.enqueueEvent(
        new ObjectId(other.accountId),
        "import.failed",
        { n: 0 },
        "import.failed:other",
      );
      await waitFor("the other account's delivery", () => quick.received.length === 1, 30_000);
      const delay = Date.now() - sentAt;
      console.log(
        `[webhook starvation ${runtime}] other account's delivery ${delay} ms after its event, ` +
          `${hanging.open.now} hanging requests open (most at once: ${hanging.open.most})`,
      );
      // Before the fix all four senders hung for the whole 10 s timeout, with 4000 deliveries ahead of this one.
      expect(delay).toBeLessThan(3_000);
      expect(hanging.open.most).toBeLessThanOrEqual(2);
      expect(quick.received[0]!.eventId).toBe("import.failed:other");
      await workers.pop()!.stop();
    },
  );

  it(
    "sends at most WEBHOOK_ENDPOINT_CONCURRENCY attempts to one endpoint at once, and a breaker pauses it after repeated failures, holding no sender",
    { timeout: 60_000 },
    async () => {
      const { apiKey, accountId } = await seedAccount(db.repos);
      const hanging = await WebhookReceiver.start(() => "hang");
      receivers.push(hanging);
      const webhookId = await register(server.url, apiKey, `${hanging.url}/slow`, ["lead.failed"]);
      for (let n = 0; n < 20; n++) {
        await db.repos.outbox.enqueueEvent(new ObjectId(accountId), "lead.failed", { n }, `lead.failed:slow-${n}:1`);
      }
      const worker = await startBackgroundWorkerProcess(runtime, {
        MONGODB_URI: db.uri,
        MONGODB_DB: db.dbName,
        WEBHOOK_POLL_MS: "50",
        WEBHOOK_ALLOW_PRIVATE: "true",
        // Eight senders of which one account may hold four: only the endpoint's own limit keeps it at two.
        WEBHOOK_CONCURRENCY: "8",
        WEBHOOK_ENDPOINT_CONCURRENCY: "2",
        WEBHOOK_TIMEOUT_MS: "1000",
        WEBHOOK_RETRY_BASE_MS: "50",
        WEBHOOK_RETRY_MAX_MS: "100",
        WEBHOOK_BREAKER_FAILURES: "4",
        WEBHOOK_BREAKER_COOLDOWN_MS: "600000",
      });
      workers.push(worker);
      const breakerLine = (line: string) =>
        line.includes("webhook endpoint failed repeatedly") && line.includes(webhookId);
      await waitFor("the breaker to open", () => worker.logs.some(breakerLine));
      const opened = JSON.parse(worker.logs.find(breakerLine)!);
      expect(opened).toMatchObject({ level: "warn", webhookId, failures: 4 });
      const pausedUntil = Date.parse(opened.pausedUntil);
      const deliveries = () =>
        db.repos.collections.webhookDeliveries.find({ endpointId: new ObjectId(webhookId) }).toArray();
      await waitFor("the attempts in flight to be recorded", async () => {
        const all = await deliveries();
        const attempts = all.reduce((sum, delivery) => sum + delivery.attempts, 0);
        // An attempt ends by freeing its endpoint slot, after its record and the breaker's count.
        const endpoint = await db.repos.collections.webhookEndpoints.findOne({ _id: new ObjectId(webhookId) });
        const slotsHeld = Object.keys(endpoint?.sendSlots ?? {}).length;
        return slotsHeld === 0 && all.every((delivery) => !delivery.leaseOwner) && attempts === hanging.received.length;
      });

      expect(hanging.open.most).toBe(2);
      // Four failures open it; the other slot's attempt may have been on its way.
      expect(hanging.received.length).toBeGreaterThanOrEqual(4);
      expect(hanging.received.length).toBeLessThanOrEqual(5);
      const pending = await deliveries();
      expect(pending.length).toBe(20);
      // Every delivery waits for the cool-down (ten minutes), none holds a lease meanwhile.
      for (const delivery of pending) {
        expect(delivery.nextAttemptAt.getTime()).toBeGreaterThanOrEqual(pausedUntil);
        expect(delivery.leaseOwner).toBeUndefined();
      }
      const endpoint = await db.repos.collections.webhookEndpoints.findOne({ _id: new ObjectId(webhookId) });
      expect(endpoint?.breakerOpenUntil?.getTime()).toBe(pausedUntil);
      expect(Object.keys(endpoint?.sendSlots ?? {})).toEqual([]);
    },
  );
});

describe("webhook fan-out across accounts", () => {
  const db = useTestDatabase("issue21_webhook_fan_out");

  it("gives each account with events waiting a share of every round, so a flood does not push others behind it", async () => {
    const flooder = await seedAccount(db.repos);
    const other = await seedAccount(db.repos);
    const endpoint = (accountId: string, url: string) =>
      db.repos.webhookEndpoints.create(
        new ObjectId(accountId),
        { url, events: ["import.failed"], secret: "whsec_x" },
        20,
      );
    await endpoint(flooder.accountId, "https://hooks.example.com/flood");
    await endpoint(other.accountId, "https://hooks.example.com/other");
    for (let n = 0; n < 150; n++) {
      await db.repos.outbox.enqueueEvent(new ObjectId(flooder.accountId), "import.failed", { n }, `flood-${n}`);
    }
    await db.repos.outbox.enqueueEvent(new ObjectId(other.accountId), "import.failed", {}, "other-0");

    // One round of 100: before the fix, the flooder's 100 oldest events and nothing else.
    expect(await db.repos.webhookDeliveries.fanOut(100)).toBe(51);
    const planned = await db.repos.collections.webhookDeliveries.find({}).toArray();
    expect(planned.filter((delivery) => delivery.eventId === "other-0")).toHaveLength(1);
    expect(planned.filter((delivery) => delivery.eventId.startsWith("flood-"))).toHaveLength(50);
    // The flooder's events still go, oldest first, in the rounds after.
    expect(await db.repos.webhookDeliveries.fanOut(100)).toBe(100);
    expect(await db.repos.webhookDeliveries.fanOut(100)).toBe(0);
    expect(await db.repos.collections.webhookDeliveries.countDocuments({})).toBe(151);
  });
});
