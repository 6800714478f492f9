import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createLeadlineClient, leadlineErrorDetails, withIdempotencyKey } from "@leadline/client";
import { ObjectId, seedAccount } from "@leadline/db";
import { FaultProxy, testPhones, waitFor } from "@leadline/testkit";
import { startApiOn, type RunningApi } from "@leadline/api-service";
import { API_RUNTIMES, postBulk, useApiServer } from "./support/api-server.ts";
import { useTestDatabase } from "./support/database.ts";

let keyCounter = 0;
const newKey = () => `test-key-${process.pid}-${++keyCounter}`;

async function post(url: string, apiKey: string, path: string, body: unknown, key?: string) {
  const response = await fetch(`${url}/api/v1${path}`, {
    method: "POST",
    headers: { "x-api-key": apiKey, "content-type": "application/json", ...(key ? { "Idempotency-Key": key } : {}) },
    body: JSON.stringify(body),
  });
  return { status: response.status, headers: response.headers, body: (await response.json()) as any };
}

describe.each(API_RUNTIMES)("Idempotency-Key on POST (%s)", (runtime) => {
  const db = useTestDatabase(`idempotency_${runtime}`);
  const server = useApiServer(db, { BULK_RATE_LIMIT: "3" }, runtime);

  it("replays the first answer for the same key and body: nothing written, no budget spent", async () => {
    const { apiKey, campaignId } = await seedAccount(db.repos);
    const key = newKey();
    const leads = testPhones(3, 100, 212).map((phoneNumber, i) => ({ phoneNumber, externalId: `I-${i}` }));
    const first = await post(server.url, apiKey, "/leads/bulk", { campaignId, leads }, key);
    expect(first.status).toBe(200);
    expect(first.body.data.created).toBe(3);
    expect(first.headers.get("Idempotent-Replayed")).toBeNull();
    expect(first.headers.get("RateLimit-Remaining")).toBe("2");

    // Same body with its keys in another order: the same request.
    const reordered = { leads: leads.map(({ externalId, phoneNumber }) => ({ externalId, phoneNumber })), campaignId };
    for (let i = 0; i < 4; i++) {
      const again = await post(server.url, apiKey, "/leads/bulk", reordered, key);
      expect(again.status).toBe(200);
      expect(again.body).toEqual(first.body);
      expect(again.headers.get("Idempotent-Replayed")).toBe("true");
    }
    expect(await db.repos.leads.countByCampaign(new ObjectId(campaignId))).toBe(3);
    // Four replays spent nothing: the next real request finds the budget as the first left it.
    const next = await postBulk(server.url, apiKey, { campaignId, leads });
    expect(next.status).toBe(200);
    expect(next.headers.get("RateLimit-Remaining")).toBe("1");
    expect(next.body.data).toMatchObject({ created: 0, skipped: 3 });
  });

  it("answers 422 for the same key with another body, and runs nothing", async () => {
    const { apiKey, campaignId } = await seedAccount(db.repos);
    const key = newKey();
    const [a, b] = testPhones(2, 200, 212);
    expect(
      (await post(server.url, apiKey, "/leads/bulk", { campaignId, leads: [{ phoneNumber: a }] }, key)).status,
    ).toBe(200);
    const other = await post(server.url, apiKey, "/leads/bulk", { campaignId, leads: [{ phoneNumber: b }] }, key);
    expect(other.status).toBe(422);
    expect(other.body).toEqual({
      success: false,
      data: null,
      error: "This Idempotency-Key was already used with a different request body; use a new key for a new request",
    });
    expect(await db.repos.leads.countByCampaign(new ObjectId(campaignId))).toBe(1);
  });
});

describe("Idempotency-Key: scope, stored failures, every POST, tRPC", () => {
  const db = useTestDatabase("idempotency_scope");
  const server = useApiServer(db, { BULK_RATE_LIMIT: "1000" });

  it("is scoped to the account and to the operation", async () => {
    const one = await seedAccount(db.repos);
    const two = await seedAccount(db.repos);
    const key = newKey();
    const [phone] = testPhones(1, 300, 212);
    const first = await post(
      server.url,
      one.apiKey,
      "/leads/bulk",
      { campaignId: one.campaignId, leads: [{ phoneNumber: phone }] },
      key,
    );
    const otherAccount = await post(
      server.url,
      two.apiKey,
      "/leads/bulk",
      { campaignId: two.campaignId, leads: [{ phoneNumber: phone }] },
      key,
    );
    expect([first.status, otherAccount.status]).toEqual([200, 200]);
    expect(otherAccount.headers.get("Idempotent-Replayed")).toBeNull();
    expect(otherAccount.body.data.created).toBe(1);
    // The same key on another operation of the same account is another request.
    const single = await post(
      server.url,
      one.apiKey,
      "/leads",
      { campaignId: one.campaignId, phoneNumber: phone },
      key,
    );
    expect(single.status).toBe(200);
    expect(single.body.data.created).toBe(false);
    expect(single.headers.get("Idempotent-Replayed")).toBeNull();
  });

  it("stores final 4xx answers and replays them with their status and message", async () => {
    const { apiKey, campaignId } = await seedAccount(db.repos);
    const key = newKey();
    const missing = { campaignId: new ObjectId().toHexString(), leads: [{ phoneNumber: "+15555551234" }] };
    const first = await post(server.url, apiKey, "/leads/bulk", missing, key);
    const again = await post(server.url, apiKey, "/leads/bulk", missing, key);
    expect([first.status, again.status]).toEqual([404, 404]);
    expect(again.body).toEqual(first.body);
    expect(again.headers.get("Idempotent-Replayed")).toBe("true");

    const invalidKey = newKey();
    const invalid = { campaignId, leads: [{ phoneNumber: "+15555551234" }, {}] };
    const bad = await post(server.url, apiKey, "/leads/bulk", invalid, invalidKey);
    const badAgain = await post(server.url, apiKey, "/leads/bulk", invalid, invalidKey);
    expect(bad.body.error).toBe("leads[1].phoneNumber is required");
    expect(badAgain.status).toBe(400);
    expect(badAgain.body).toEqual(bad.body);
    expect(badAgain.headers.get("Idempotent-Replayed")).toBe("true");
  });

  it("covers every POST: a single lead (201 replayed as 201), a campaign, a bulk delete", async () => {
    const { apiKey, campaignId } = await seedAccount(db.repos);
    const [phone] = testPhones(1, 400, 212);
    const leadKey = newKey();
    const created = await post(server.url, apiKey, "/leads", { campaignId, phoneNumber: phone }, leadKey);
    const replayed = await post(server.url, apiKey, "/leads", { campaignId, phoneNumber: phone }, leadKey);
    expect([created.status, replayed.status]).toEqual([201, 201]);
    expect(replayed.body).toEqual(created.body);
    expect(replayed.body.data.created).toBe(true);

    const campaignKey = newKey();
    const campaignA = await post(server.url, apiKey, "/campaigns", { name: "Once" }, campaignKey);
    const campaignB = await post(server.url, apiKey, "/campaigns", { name: "Once" }, campaignKey);
    expect(campaignB.body.data.id).toBe(campaignA.body.data.id);
    expect(await db.repos.collections.campaigns.countDocuments({ name: "Once" })).toBe(1);

    const deleteKey = newKey();
    const deletion = { campaignId, phoneNumbers: [phone] };
    const deleted = await post(server.url, apiKey, "/leads/bulk-delete", deletion, deleteKey);
    const deletedAgain = await post(server.url, apiKey, "/leads/bulk-delete", deletion, deleteKey);
    expect(deleted.body.data).toEqual({ deleted: 1, notFound: [] });
    // Without the key the second call would report the phone as not found.
    expect(deletedAgain.body.data).toEqual({ deleted: 1, notFound: [] });
    expect(deletedAgain.headers.get("Idempotent-Replayed")).toBe("true");
  });

  it("refuses a key that is empty, too long or not printable ASCII", async () => {
    const { apiKey, campaignId } = await seedAccount(db.repos);
    for (const key of ["x".repeat(256), "clé", "tab\there"]) {
      const response = await post(
        server.url,
        apiKey,
        "/leads/bulk",
        { campaignId, leads: [{ phoneNumber: "+15555551234" }] },
        key,
      );
      expect(response.status).toBe(400);
      expect(response.body.error).toBe("Idempotency-Key must be 1 to 255 printable ASCII characters");
    }
    expect(await db.repos.leads.countByCampaign(new ObjectId(campaignId))).toBe(0);
  });

  it("works over tRPC with the typed client, sharing records with REST", async () => {
    const { apiKey, campaignId } = await seedAccount(db.repos);
    const client = createLeadlineClient({ url: server.url, apiKey });
    const key = newKey();
    const input = { campaignId, leads: testPhones(2, 500, 212).map((phoneNumber) => ({ phoneNumber })) };
    const first = await client.leads.bulkCreate.mutate(input, withIdempotencyKey(key));
    const again = await client.leads.bulkCreate.mutate(input, withIdempotencyKey(key));
    expect(first.data.created).toBe(2);
    expect(again).toEqual(first);
    const viaRest = await post(server.url, apiKey, "/leads/bulk", input, key);
    expect(viaRest.body).toEqual(first);
    expect(viaRest.headers.get("Idempotent-Replayed")).toBe("true");

    const other = await client.leads.bulkCreate
      .mutate({ campaignId, leads: [{ phoneNumber: "+15555551234" }] }, withIdempotencyKey(key))
      .catch((error: unknown) => leadlineErrorDetails(error));
    expect(other).toMatchObject({ httpStatus: 422, code: "UNPROCESSABLE" });
  });

  it("forgets a key after 24 hours: checked on read, and swept", async () => {
    const { apiKey, campaignId } = await seedAccount(db.repos);
    const key = newKey();
    const [a, b] = testPhones(2, 600, 212);
    await post(server.url, apiKey, "/leads/bulk", { campaignId, leads: [{ phoneNumber: a }] }, key);
    const records = db.repos.collections.idempotencyRecords;
    // Expiry is tested by dates: the test server never runs TTL indexes.
    await records.updateOne({ key }, { $set: { expiresAt: new Date(Date.now() - 1000) } });
    const reused = await post(server.url, apiKey, "/leads/bulk", { campaignId, leads: [{ phoneNumber: b }] }, key);
    expect(reused.status).toBe(200);
    expect(reused.body.data.created).toBe(1);
    expect(reused.headers.get("Idempotent-Replayed")).toBeNull();

    await records.updateOne({ key }, { $set: { expiresAt: new Date(Date.now() - 1000) } });
    const fresh = newKey();
    await post(server.url, apiKey, "/leads/bulk", { campaignId, leads: [{ phoneNumber: a }] }, fresh);
    expect(await db.repos.idempotencyRecords.deleteExpired(new Date())).toBeGreaterThanOrEqual(1);
    expect(await records.countDocuments({ key })).toBe(0);
    expect(await records.countDocuments({ key: fresh })).toBe(1);
  });
});

describe("Idempotency-Key while the first request runs, and answers not kept", () => {
  const db = useTestDatabase("idempotency_inflight");
  let proxy: FaultProxy;
  let api: RunningApi;

  beforeAll(async () => {
    proxy = FaultProxy.forMongoUri(db.uri);
    await proxy.start();
    api = await startApiOn(
      { uri: proxy.rewrite(db.uri), dbName: db.dbName },
      { BULK_RATE_LIMIT: "1", BULK_RATE_WINDOW_SECONDS: "1" },
    );
  });
  afterAll(async () => {
    proxy?.release();
    await api?.close();
    await proxy?.stop();
  });

  it("answers 409 with Retry-After while the first is held in the database, then replays its answer", async () => {
    const { apiKey, campaignId } = await seedAccount(db.repos);
    const key = newKey();
    // The marker is in the lead insert only, so the first request is held after it claimed the key.
    const body = { campaignId, leads: [{ phoneNumber: testPhones(1, 700, 212)[0], externalId: "HOLD-ME-409" }] };
    const held = proxy.holdAnswerTo("HOLD-ME-409");
    const first = post(api.url, apiKey, "/leads/bulk", body, key);
    await held.answered;
    const meanwhile = await post(api.url, apiKey, "/leads/bulk", body, key);
    expect(meanwhile.status).toBe(409);
    expect(meanwhile.body.error).toMatch(
      /^A request with this Idempotency-Key is still being processed; retry after \d+ seconds$/,
    );
    expect(Number(meanwhile.headers.get("Retry-After"))).toBeGreaterThanOrEqual(1);
    proxy.release();
    const answer = await first;
    expect(answer.status).toBe(200);
    expect(answer.body.data.created).toBe(1);
    const replay = await post(api.url, apiKey, "/leads/bulk", body, key);
    expect(replay.body).toEqual(answer.body);
    expect(replay.headers.get("Idempotent-Replayed")).toBe("true");
  });

  it("does not keep a 429: once the budget is back, the same key does the work", async () => {
    const { apiKey, campaignId } = await seedAccount(db.repos);
    const key = newKey();
    const body = { campaignId, leads: testPhones(2, 800, 212).map((phoneNumber) => ({ phoneNumber })) };
    // Spend the budget of one request per second, then ask with the key until the limiter lets it through.
    const statuses: number[] = [];
    await postBulk(api.url, apiKey, { campaignId, leads: [{ phoneNumber: "+15555551234" }] });
    let last: Awaited<ReturnType<typeof post>> | undefined;
    await waitFor("the key's request to get through the rate limit", async () => {
      last = await post(api.url, apiKey, "/leads/bulk", body, key);
      statuses.push(last.status);
      return last.status !== 429;
    });
    expect(last?.status).toBe(200);
    expect(last?.body.data.created).toBe(2);
    expect(last?.headers.get("Idempotent-Replayed")).toBeNull();
    expect(statuses[0]).toBe(429);
    expect(statuses.every((status) => status === 429 || status === 200)).toBe(true);
  });
});
