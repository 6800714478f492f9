import { afterAll, describe, expect, it } from "vitest";
import { createLeadlineClient } from "@leadline/client";
import { ObjectId, deliveryIdOf, seedAccount } from "@leadline/db";
import { waitFor } from "@leadline/testkit";
import { useApiServer } from "./support/api-server.ts";
import { useTestDatabase, type TestDatabase } from "./support/database.ts";
import { uploadImport, waitForImportEnd } from "./support/imports.ts";
import { dispatchedLeads } from "./support/dispatched-leads.ts";
import { rest } from "./support/rest.ts";
import { useWorkersAndReceivers } from "./support/webhook-fixtures.ts";
import { verifyWebhookSignature, WebhookReceiver } from "./support/webhook-receiver.ts";
import { startBackgroundWorkerProcess, type WorkerProcess, type WorkerRuntime } from "./support/worker-process.ts";

const register = (url: string, apiKey: string, body: unknown) => rest(url, apiKey, "POST", "/webhooks", body);

async function deliveries(url: string, apiKey: string, webhookId: string) {
  const answer = await rest(url, apiKey, "GET", `/webhooks/${webhookId}/deliveries?limit=1000`);
  expect(answer.status).toBe(200);
  return answer.body.data.deliveries as any[];
}

async function waitForDeliveries(
  url: string,
  apiKey: string,
  webhookId: string,
  count: number,
  state: "delivered" | "failed",
  timeoutMs = 45_000,
) {
  let listed: any[] = [];
  await waitFor(
    `${count} deliveries of ${webhookId} to be ${state}`,
    async () => {
      listed = await deliveries(url, apiKey, webhookId);
      return listed.length === count && listed.every((delivery) => delivery.state === state);
    },
    timeoutMs,
  );
  return listed;
}

const leadEvent = (db: TestDatabase, accountId: string, type: "lead.completed" | "lead.failed", n: number) =>
  db.repos.outbox.enqueueEvent(new ObjectId(accountId), type, { lead: { id: `lead-${n}` } }, `${type}:lead-${n}:1`);

describe("webhook registration", () => {
  const db = useTestDatabase("webhook_registration");
  const server = useApiServer(db, { WEBHOOK_MAX_PER_ACCOUNT: "3" });

  it("refuses http to a host outside WEBHOOK_ALLOW_HOSTS, private IP literals, unknown events, and says what to fix", async () => {
    const { apiKey } = await seedAccount(db.repos);
    const cases: [unknown, RegExp][] = [
      [
        { url: "http://hooks.example.com/a", events: ["import.completed"] },
        /^url must use https; http is allowed only for hosts in WEBHOOK_ALLOW_HOSTS/,
      ],
      [
        { url: "https://10.0.0.5/hook", events: ["import.completed"] },
        /10\.0\.0\.5 is a private address; set WEBHOOK_ALLOW_PRIVATE=true/,
      ],
      [
        { url: "https://169.254.169.254/latest/meta-data", events: ["import.completed"] },
        /169\.254\.169\.254 is a link-local or cloud metadata address/,
      ],
      [{ url: "https://[::ffff:127.0.0.1]/", events: ["import.completed"] }, /is a loopback address/],
      [{ url: "https://localhost:8443/", events: ["import.completed"] }, /localhost is a loopback address/],
      [{ url: "ftp://hooks.example.com/", events: ["import.completed"] }, /^url must be an absolute http\(s\) URL/],
      [{ url: "/relative", events: ["import.completed"] }, /^url must be an absolute http\(s\) URL/],
      [
        { url: `https://hooks.example.com/${"a".repeat(2048)}`, events: ["import.completed"] },
        /^url must be at most 2048 characters/,
      ],
      [
        { url: "https://hooks.example.com/", events: ["lead.exploded"] },
        /^events\[0\] must be one of import\.completed, import\.failed, lead\.completed/,
      ],
      [{ url: "https://hooks.example.com/", events: [] }, /^events cannot be empty/],
      [
        { url: "https://hooks.example.com/", events: ["lead.failed", "lead.failed"] },
        /^events must not repeat an event type/,
      ],
      [{ events: ["lead.failed"] }, /^url is required/],
      [{ url: 42, events: ["lead.failed"] }, /^url must be a string/],
      [{ url: "https://hooks.example.com/", events: "lead.failed" }, /^events must be an array of event types/],
    ];
    for (const [body, message] of cases) {
      const answer = await register(server.url, apiKey, body);
      expect(answer.status, JSON.stringify(body)).toBe(400);
      expect(answer.body).toMatchObject({ success: false, data: null });
      expect(answer.body.error).toMatch(message);
    }
    expect(await db.repos.webhookEndpoints.list((await db.repos.collections.accounts.findOne({}))!._id)).toEqual([]);
  });

  it("shows the secret only in the POST answer; caps endpoints per account; tRPC answers as REST", async () => {
    const { apiKey } = await seedAccount(db.repos);
    const created = await register(server.url, apiKey, {
      url: "https://hooks.example.com/leadline",
      events: ["import.completed", "lead.suppressed"],
    });
    expect(created.status).toBe(201);
    expect(created.body.data).toEqual({
      id: expect.stringMatching(/^[0-9a-f]{24}$/),
      url: "https://hooks.example.com/leadline",
      events: ["import.completed", "lead.suppressed"],
      secret: expect.stringMatching(/^whsec_[0-9a-f]{64}$/),
      createdAt: expect.any(String),
    });
    const listed = await rest(server.url, apiKey, "GET", "/webhooks");
    expect(listed.status).toBe(200);
    expect(JSON.stringify(listed.body)).not.toContain(created.body.data.secret);
    expect(listed.body.data.webhooks).toEqual([
      {
        id: created.body.data.id,
        url: created.body.data.url,
        events: created.body.data.events,
        createdAt: created.body.data.createdAt,
      },
    ]);

    const client = createLeadlineClient({ url: server.url, apiKey });
    const viaTrpc = await client.webhooks.create.mutate({
      url: "https://hooks.example.com/2",
      events: ["lead.failed"],
    });
    expect(viaTrpc.data.secret).toMatch(/^whsec_/);
    expect((await client.webhooks.list.query({})).data.webhooks).toHaveLength(2);
    expect(
      (await register(server.url, apiKey, { url: "https://hooks.example.com/3", events: ["lead.failed"] })).status,
    ).toBe(201);
    const fourth = await register(server.url, apiKey, { url: "https://hooks.example.com/4", events: ["lead.failed"] });
    expect(fourth.status).toBe(422);
    expect(fourth.body.error).toBe(
      "This account already has 3 webhooks, the most allowed; delete one before adding another",
    );
  });

  it("answers 404 for another account's webhook on DELETE and deliveries; deletes the owner's", async () => {
    const owner = await seedAccount(db.repos);
    const other = await seedAccount(db.repos);
    const { id } = (
      await register(server.url, owner.apiKey, { url: "https://hooks.example.com/x", events: ["lead.failed"] })
    ).body.data;
    for (const [method, path] of [
      ["DELETE", `/webhooks/${id}`],
      ["GET", `/webhooks/${id}/deliveries`],
    ] as const) {
      const answer = await rest(server.url, other.apiKey, method, path);
      expect(answer.status).toBe(404);
      expect(answer.body.error).toBe("Webhook not found");
    }
    expect((await rest(server.url, owner.apiKey, "GET", "/webhooks/not-an-id/deliveries")).status).toBe(404);
    const deleted = await rest(server.url, owner.apiKey, "DELETE", `/webhooks/${id}`);
    expect(deleted).toMatchObject({ status: 200, body: { success: true, data: { id, deleted: true } } });
    expect((await rest(server.url, owner.apiKey, "DELETE", `/webhooks/${id}`)).status).toBe(404);
  });

  it("fans an event out once per subscribed endpoint, even when redone after a crash; lists deliveries newest first, paged", async () => {
    const { apiKey, accountId } = await seedAccount(db.repos);
    const a = (
      await register(server.url, apiKey, {
        url: "https://hooks.example.com/a",
        events: ["lead.completed", "lead.failed"],
      })
    ).body.data;
    await register(server.url, apiKey, { url: "https://hooks.example.com/b", events: ["import.failed"] });
    for (let n = 0; n < 3; n++) await leadEvent(db, accountId, "lead.completed", n);
    await leadEvent(db, accountId, "lead.completed", 0); // the same state change written twice: one event
    await db.repos.webhookDeliveries.fanOut(100);
    // A fan-out that crashed before marking its events does them again: no second delivery.
    await db.repos.collections.outboxEvents.updateMany(
      { accountId: new ObjectId(accountId) },
      { $unset: { fannedOutAt: "" } },
    );
    await db.repos.webhookDeliveries.fanOut(100);
    expect(await db.repos.collections.webhookDeliveries.countDocuments({ accountId: new ObjectId(accountId) })).toBe(3);

    const first = await rest(server.url, apiKey, "GET", `/webhooks/${a.id}/deliveries?limit=2`);
    expect(first.body.data.deliveries).toHaveLength(2);
    expect(first.body.data.deliveries[0]).toMatchObject({
      eventType: "lead.completed",
      state: "pending",
      attempts: 0,
      lastStatusCode: null,
      lastError: null,
      nextAttemptAt: expect.any(String),
    });
    const second = await rest(
      server.url,
      apiKey,
      "GET",
      `/webhooks/${a.id}/deliveries?limit=2&cursor=${first.body.data.nextCursor}`,
    );
    expect(second.body.data.nextCursor).toBeNull();
    const ids = [...first.body.data.deliveries, ...second.body.data.deliveries].map(
      (delivery: any) => delivery.eventId,
    );
    expect(new Set(ids)).toEqual(new Set([0, 1, 2].map((n) => `lead.completed:lead-${n}:1`)));
    expect((await rest(server.url, apiKey, "GET", `/webhooks/${a.id}/deliveries?cursor=bogus`)).status).toBe(400);

    // Twelve claims racing for three deliveries: each is leased to exactly one.
    const claims = await Promise.all(
      Array.from({ length: 12 }, (_, i) => db.repos.webhookDeliveries.claim(`racer-${i}`, 60_000)),
    );
    const won = claims.filter((claim) => claim !== null).map((claim) => claim!._id);
    expect(won.sort()).toEqual(ids.map((eventId) => deliveryIdOf(eventId, new ObjectId(a.id))).sort());
  });
});

describe.each<WorkerRuntime>(["node", "deno"])("webhook delivery by the import worker under %s", (runtime) => {
  const db = useTestDatabase(`webhooks_${runtime}`);
  const server = useApiServer(db, { WEBHOOK_ALLOW_HOSTS: "127.0.0.1", WEBHOOK_ALLOW_PRIVATE: "true" });
  const { workers, receivers } = useWorkersAndReceivers();

  it(
    "retries through a receiver that is down, delivers each event once with a valid signature, and repeats recognisably after a cut connection",
    { timeout: 90_000 },
    async () => {
      const { apiKey, accountId, campaignId } = await seedAccount(db.repos);
      // Down for its first six requests, then cuts the connection once after reading lead-1's event, then answers 200.
      let droppedOnce = false;
      const receiver = await WebhookReceiver.start(({ index, eventId }) => {
        if (index < 6) return 503;
        if (eventId === "lead.completed:lead-1:1" && !droppedOnce) {
          droppedOnce = true;
          return "drop";
        }
        return 200;
      });
      receivers.push(receiver);
      const hook = await register(server.url, apiKey, {
        url: `${receiver.url}/leadline?source=test`,
        events: ["import.completed", "lead.completed"],
      });
      expect(hook.status).toBe(201);
      const { id: webhookId, secret } = hook.body.data;
      const redirecting = await WebhookReceiver.start(() => 302);
      receivers.push(redirecting);
      const moved = (await register(server.url, apiKey, { url: `${redirecting.url}/old`, events: ["lead.completed"] }))
        .body.data.id;
      for (let n = 0; n < 3; n++) await leadEvent(db, accountId, "lead.completed", n);
      await leadEvent(db, accountId, "lead.failed", 9); // not subscribed: never sent

      const started = Date.now();
      workers.push(
        await startBackgroundWorkerProcess(runtime, {
          MONGODB_URI: db.uri,
          MONGODB_DB: db.dbName,
          IMPORT_POLL_MS: "50",
          WEBHOOK_POLL_MS: "50",
          WEBHOOK_RETRY_BASE_MS: "100",
          WEBHOOK_RETRY_MAX_MS: "400",
          WEBHOOK_ALLOW_PRIVATE: "true",
          // Retries are what this test watches, not the circuit breaker that would pause a receiver down this long.
          WEBHOOK_BREAKER_FAILURES: "1000",
        }),
      );
      const listed = await waitForDeliveries(server.url, apiKey, webhookId, 3, "delivered");
      const seconds = (Date.now() - started) / 1000;

      const accepted = receiver.received.filter((request) => request.answer === 200);
      expect(accepted.map((request) => request.eventId).sort()).toEqual(
        [0, 1, 2].map((n) => `lead.completed:lead-${n}:1`),
      );
      for (const request of receiver.received) {
        expect(request.headers["content-type"]).toBe("application/json");
        expect(request.headers["user-agent"]).toBe("Leadline-Webhooks/1");
        expect(verifyWebhookSignature(secret, request.body, String(request.headers["leadline-signature"]))).toBe(true);
        expect(verifyWebhookSignature(`${secret}x`, request.body, String(request.headers["leadline-signature"]))).toBe(
          false,
        );
        const body = JSON.parse(request.body);
        expect(body).toEqual({
          id: request.eventId,
          type: "lead.completed",
          createdAt: expect.any(String),
          data: { lead: { id: expect.stringMatching(/^lead-\d$/) } },
        });
      }
      // The receiver read lead-1's event, then the connection broke: it came again, under the same id and body.
      const lead1 = receiver.received.filter((request) => request.eventId === "lead.completed:lead-1:1");
      const dropped = lead1.find((request) => request.answer === "dropped")!;
      expect(dropped).toBeDefined();
      expect(lead1.at(-1)!.answer).toBe(200);
      expect(lead1.at(-1)!.body).toBe(dropped.body);
      expect(receiver.received.filter((request) => request.answer === 503)).toHaveLength(6);

      for (const delivery of listed) {
        const sent = receiver.received.filter((request) => request.eventId === delivery.eventId);
        expect(delivery).toMatchObject({
          eventType: "lead.completed",
          state: "delivered",
          lastStatusCode: 200,
          nextAttemptAt: null,
          deliveredAt: expect.any(String),
        });
        expect(delivery.attempts).toBeGreaterThan(1);
        // Deno's HTTP client resends a request whose connection broke by itself, within one attempt of ours.
        if (runtime === "node") expect(delivery.attempts).toBe(sent.length);
        else expect(delivery.attempts).toBeLessThanOrEqual(sent.length);
        expect(delivery.lastError).toMatch(/^(HTTP 503|connection closed before an answer)$/);
      }
      // A redirect is a failed attempt, retried; it is never followed.
      let redirected: any[] = [];
      await waitFor("an attempt at each redirecting delivery", async () => {
        redirected = await deliveries(server.url, apiKey, moved);
        return redirected.length === 3 && redirected.every((delivery) => delivery.attempts > 0);
      });
      for (const delivery of redirected) {
        expect(delivery).toMatchObject({
          state: "pending",
          lastStatusCode: 302,
          lastError: "HTTP 302: redirects are not followed; register the final URL",
        });
      }
      expect(redirecting.received.length).toBeGreaterThanOrEqual(3);
      expect(redirecting.received.every((request) => request.path === "/old")).toBe(true);

      const attempts = listed.reduce((sum, delivery) => sum + delivery.attempts, 0);
      console.log(
        `[webhooks ${runtime}] 3 events through a receiver down for 6 requests and one cut connection: ` +
          `${attempts} attempts, all delivered ${seconds.toFixed(1)} s after the worker started`,
      );

      // An import that completes tells the same endpoint.
      const upload = await uploadImport(server.url, apiKey, campaignId, "phone\n+12125550301\n+12125550302\n");
      expect(upload.status).toBe(202);
      await waitForImportEnd(server.url, apiKey, upload.body.data.id);
      const eventId = `import.completed:${upload.body.data.id}`;
      await waitFor("the import.completed delivery", () =>
        receiver.received.some((request) => request.eventId === eventId && request.answer === 200),
      );
      const event = JSON.parse(receiver.received.find((request) => request.eventId === eventId)!.body);
      expect(event).toMatchObject({
        id: eventId,
        type: "import.completed",
        data: { import: { id: upload.body.data.id, campaignId, state: "completed", error: null } },
      });
      expect(receiver.received.some((request) => request.body.includes("lead.failed"))).toBe(false);
    },
  );

  it(
    "deletes deliveries that ended and events fanned out before WEBHOOK_RETENTION_HOURS, keeping what is still sent",
    { timeout: 60_000 },
    async () => {
      const { apiKey, accountId } = await seedAccount(db.repos);
      const receiver = await WebhookReceiver.start(() => 200);
      receivers.push(receiver);
      const hook = await register(server.url, apiKey, { url: `${receiver.url}/old`, events: ["lead.completed"] });
      expect(hook.status).toBe(201);
      const endpointId = new ObjectId(hook.body.data.id as string);
      const now = Date.now();
      const twoHoursAgo = new Date(now - 2 * 3_600_000);
      const event = (id: string, at: Date) => ({
        _id: id,
        accountId: new ObjectId(accountId),
        type: "lead.completed",
        payload: { lead: { id } },
        createdAt: at,
        fannedOutAt: at,
      });
      const delivery = (eventId: string, state: "delivered" | "failed" | "pending", at: Date) => ({
        _id: deliveryIdOf(eventId, endpointId),
        accountId: new ObjectId(accountId),
        endpointId,
        eventId,
        eventType: "lead.completed",
        state,
        attempts: 1,
        // The pending one is not due for an hour: the sweep, not a delivery attempt, is what this test watches.
        nextAttemptAt: state === "pending" ? new Date(now + 3_600_000) : at,
        leaseExpiresAt: new Date(0),
        createdAt: at,
        updatedAt: at,
        ...(state === "delivered" ? { deliveredAt: at } : state === "failed" ? { failedAt: at } : {}),
      });
      const { outboxEvents, webhookDeliveries } = db.repos.collections;
      // A whole sweep batch (1000) of old events still retrying, stored first: the sweep must see past them.
      const retrying = Array.from({ length: 1000 }, (_, i) => `old-retrying-${i}`);
      await outboxEvents.insertMany(retrying.map((id) => event(id, twoHoursAgo)));
      await webhookDeliveries.insertMany(retrying.map((id) => delivery(id, "pending", twoHoursAgo)));
      await outboxEvents.insertMany([
        event("old-delivered", twoHoursAgo),
        event("old-failed", twoHoursAgo),
        event("old-still-retrying", twoHoursAgo),
        event("old-no-subscriber", twoHoursAgo),
        event("recent", new Date(now)),
      ]);
      await webhookDeliveries.insertMany([
        delivery("old-delivered", "delivered", twoHoursAgo),
        delivery("old-failed", "failed", twoHoursAgo),
        delivery("old-still-retrying", "pending", twoHoursAgo),
        delivery("recent", "delivered", new Date(now)),
      ]);

      const worker = await startBackgroundWorkerProcess(runtime, {
        MONGODB_URI: db.uri,
        MONGODB_DB: db.dbName,
        WEBHOOK_ALLOW_PRIVATE: "true",
        WEBHOOK_RETENTION_HOURS: "1",
      });
      workers.push(worker);
      await waitFor("the retention sweep", () =>
        worker.logs.some((line) => line.includes('"msg":"webhook history deleted after the retention time"')),
      );
      const line = JSON.parse(worker.logs.find((entry) => entry.includes("webhook history deleted"))!);
      expect(line).toMatchObject({ deliveries: 2, events: 3 });
      const left = await webhookDeliveries.find({ endpointId }).toArray();
      expect(left.map(({ eventId, state }) => `${eventId} ${state}`).sort()).toEqual(
        [...retrying, "old-still-retrying"]
          .map((id) => `${id} pending`)
          .concat("recent delivered")
          .sort(),
      );
      const kept = await outboxEvents.find({ accountId: new ObjectId(accountId) }).toArray();
      expect(kept.map(({ _id }) => _id).sort()).toEqual([...retrying, "old-still-retrying", "recent"].sort());
    },
  );

  it("delivers the lead events that call outcomes write, with the lead in data", { timeout: 60_000 }, async () => {
    const { apiKey, leads, dialerKey } = await dispatchedLeads(db, server.url, 2, 40);
    const receiver = await WebhookReceiver.start(() => 200);
    receivers.push(receiver);
    const hook = await register(server.url, apiKey, {
      url: `${receiver.url}/leads`,
      events: ["lead.completed", "lead.suppressed"],
    });
    expect(hook.status).toBe(201);
    const [completed, optedOut] = leads.map((lead) => lead._id.toHexString());
    const report = await rest(server.url, dialerKey, "POST", "/outcomes", {
      outcomes: [
        { leadId: completed, attempt: 1, outcome: "connected" },
        { leadId: optedOut, attempt: 1, outcome: "opted_out" },
      ],
    });
    expect(report.status).toBe(200);
    workers.push(
      await startBackgroundWorkerProcess(runtime, {
        MONGODB_URI: db.uri,
        MONGODB_DB: db.dbName,
        WEBHOOK_POLL_MS: "50",
        WEBHOOK_ALLOW_PRIVATE: "true",
      }),
    );
    await waitForDeliveries(server.url, apiKey, hook.body.data.id, 2, "delivered");
    const bodies = receiver.received.map((request) => JSON.parse(request.body));
    expect(bodies.map((body) => body.type).sort()).toEqual(["lead.completed", "lead.suppressed"]);
    expect(bodies.find((body) => body.type === "lead.completed")).toMatchObject({
      id: `lead.completed:${completed}:1`,
      data: { lead: { id: completed, state: "completed", lastOutcome: "connected", attempts: 1 } },
    });
    expect(bodies.find((body) => body.type === "lead.suppressed")).toMatchObject({
      id: `lead.suppressed:${optedOut}:1`,
      data: { lead: { id: optedOut, state: "suppressed", reason: "opted out on a call" } },
    });
  });
});

describe.each<WorkerRuntime>(["node", "deno"])("webhook targets refused at delivery under %s", (runtime) => {
  const db = useTestDatabase(`webhooks_refused_${runtime}`);
  // The API accepts these targets (as if allowed when registered); the worker, without WEBHOOK_ALLOW_PRIVATE, refuses them.
  const server = useApiServer(db, {
    WEBHOOK_ALLOW_HOSTS: "127.0.0.1,localhost,10.0.0.5,169.254.169.254,192.0.2.1",
    WEBHOOK_ALLOW_PRIVATE: "true",
  });
  const workers: WorkerProcess[] = [];
  let receiver: WebhookReceiver | undefined;
  afterAll(async () => {
    await Promise.all(workers.map((worker) => worker.stop()));
    await receiver?.close();
  });

  it(
    "fails loopback, metadata and private targets at once with the refusal, sends them nothing, and gives up on a dead one after the window",
    { timeout: 60_000 },
    async () => {
      const { apiKey, accountId } = await seedAccount(db.repos);
      receiver = await WebhookReceiver.start(() => 200);
      const targets = {
        [`${receiver.url}/hook`]: "refused: 127.0.0.1 is a loopback address; set WEBHOOK_ALLOW_PRIVATE=true to allow",
        // A name, localhost too: tenants are not told the address it reached (the worker log is).
        [`http://localhost:${receiver.port}/hook`]: "refused: the host resolves to a non-public address",
        "http://169.254.169.254/latest/meta-data/":
          "refused: 169.254.169.254 is a link-local or cloud metadata address; set WEBHOOK_ALLOW_PRIVATE=true to allow",
        "http://10.0.0.5:8080/hook": "refused: 10.0.0.5 is a private address; set WEBHOOK_ALLOW_PRIVATE=true to allow",
      };
      const ids: Record<string, string> = {};
      for (const url of Object.keys(targets)) {
        const answer = await register(server.url, apiKey, { url, events: ["lead.failed"] });
        expect(answer.status).toBe(201);
        ids[url] = answer.body.data.id;
      }
      // A public address nothing answers on (TEST-NET-1): retried until the give-up window ends.
      const dead = (await register(server.url, apiKey, { url: "http://192.0.2.1/hook", events: ["lead.failed"] })).body
        .data.id;
      await leadEvent(db, accountId, "lead.failed", 1);
      workers.push(
        await startBackgroundWorkerProcess(runtime, {
          MONGODB_URI: db.uri,
          MONGODB_DB: db.dbName,
          WEBHOOK_POLL_MS: "50",
          WEBHOOK_RETRY_BASE_MS: "100",
          WEBHOOK_RETRY_MAX_MS: "300",
          WEBHOOK_TIMEOUT_MS: "300",
          WEBHOOK_GIVE_UP_MS: "1500",
          WEBHOOK_BREAKER_FAILURES: "1000",
        }),
      );
      for (const [url, error] of Object.entries(targets)) {
        const [delivery] = await waitForDeliveries(server.url, apiKey, ids[url]!, 1, "failed");
        expect(delivery).toMatchObject({
          state: "failed",
          attempts: 1,
          lastStatusCode: null,
          lastError: error,
          nextAttemptAt: null,
        });
      }
      const [gaveUp] = await waitForDeliveries(server.url, apiKey, dead, 1, "failed");
      expect(gaveUp.attempts).toBeGreaterThan(1);
      expect(gaveUp.lastError).toMatch(/^(timed out after 0.3 s|connection refused|connection failed)$/);
      expect(Date.parse(gaveUp.failedAt) - Date.parse(gaveUp.firstAttemptAt)).toBeLessThan(1500 + 1000);
      expect(receiver.received).toEqual([]);
      const worker = workers[0]!;
      expect(
        worker.logs.some((line) => line.includes('"level":"warn"') && line.includes("10.0.0.5 is a private address")),
      ).toBe(true);
      expect(
        worker.logs.some(
          (line) => line.includes('"level":"warn"') && line.includes("localhost (127.0.0.1) is a loopback address"),
        ),
      ).toBe(true);
    },
  );
});
