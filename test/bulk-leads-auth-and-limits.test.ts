import { describe, expect, it } from "vitest";
import { ObjectId, seedAccount } from "@leadline/db";
import { startApiProcess, testPhones } from "@leadline/testkit";
import { API_RUNTIMES, postBulk, useApiServer } from "./support/api-server.ts";
import { useTestDatabase } from "./support/database.ts";

/** The budget headers, both spellings: limit 10, `remaining` left, a reset within the minute. */
function expectBudgetHeaders(headers: Headers, expected: { remaining: number; sentAt: number }) {
  for (const prefix of ["", "x-"]) {
    expect(headers.get(`${prefix}ratelimit-limit`)).toBe("10");
    expect(headers.get(`${prefix}ratelimit-remaining`)).toBe(String(expected.remaining));
  }
  const resetSeconds = Number(headers.get("ratelimit-reset"));
  expect(resetSeconds).toBeGreaterThan(0);
  expect(resetSeconds).toBeLessThanOrEqual(60);
  // X-RateLimit-Reset is a Unix time, not a number of seconds.
  const resetAt = Number(headers.get("x-ratelimit-reset"));
  expect(resetAt).toBeGreaterThanOrEqual(expected.sentAt + 1);
  expect(resetAt).toBeLessThanOrEqual(Math.floor(Date.now() / 1000) + 61);
}

const body = (campaignId: string, start = 0) => ({
  campaignId,
  leads: testPhones(2, start).map((phoneNumber) => ({ phoneNumber })),
});

describe.each(API_RUNTIMES)("authentication, scopes and rate limits (%s)", (runtime) => {
  const db = useTestDatabase(`auth_limits_${runtime}`);
  const server = useApiServer(db, { TRUST_PROXY: "1", AUTH_FAILURE_LIMIT: "3" }, runtime);
  let address = 0;
  /** A client address of the test's own, so the failed-auth budget of one test leaves the others alone. */
  const from = () => ({ headers: { "X-Forwarded-For": `10.0.0.${++address}` } });

  it("answers a missing key with 401", async () => {
    const { campaignId } = await seedAccount(db.repos);
    const response = await postBulk(server.url, undefined, body(campaignId), from());
    expect(response.status).toBe(401);
    expect(response.body).toEqual({
      success: false,
      data: null,
      error: "Missing API key: send it in the x-api-key header",
    });
  });

  it("answers an unknown or revoked key with 401", async () => {
    const { campaignId, apiKey } = await seedAccount(db.repos);
    const client = from();
    const unknown = await postBulk(server.url, `${apiKey}nope`, body(campaignId), client);
    expect(unknown.status).toBe(401);
    expect(unknown.body).toEqual({ success: false, data: null, error: "Invalid API key" });
    const key = await db.repos.apiKeys.findActiveByKey(apiKey);
    await db.repos.apiKeys.revoke(key!._id);
    const revoked = await postBulk(server.url, apiKey, body(campaignId), client);
    expect(revoked.status).toBe(401);
    expect(revoked.body.error).toBe("Invalid API key");
  });

  it("answers a read-only key with 403 and stores nothing", async () => {
    const { campaignId, readOnlyApiKey } = await seedAccount(db.repos);
    const response = await postBulk(server.url, readOnlyApiKey, body(campaignId), from());
    expect(response.status).toBe(403);
    expect(response.body.error).toBe('This API key lacks the "write" scope');
    expect(await db.repos.leads.countByCampaign(new ObjectId(campaignId))).toBe(0);
  });

  it("limits failed authentication per client address, and still serves a valid key from it", async () => {
    const { campaignId, apiKey } = await seedAccount(db.repos);
    const client = from();
    for (let i = 0; i < 3; i++)
      expect((await postBulk(server.url, "ll_live_guess", body(campaignId), client)).status).toBe(401);
    const blocked = await postBulk(server.url, "ll_live_guess", body(campaignId), client);
    expect(blocked.status).toBe(429);
    expect(Number(blocked.headers.get("retry-after"))).toBeGreaterThan(0);
    expect(blocked.body.error).toMatch(/^Too many failed authentication attempts/);
    // Issue 21: others' failures behind the same address (NAT, a proxy) must not lock a valid key out.
    expect((await postBulk(server.url, apiKey, body(campaignId), client)).status).toBe(200);
    expect((await postBulk(server.url, "ll_live_guess", body(campaignId), from())).status).toBe(401);
  });

  it("cannot be dodged by rotating the X-Forwarded-For entry the caller writes itself", async () => {
    const { campaignId } = await seedAccount(db.repos);
    // Our one trusted proxy appends the real address; what stands left of it is the caller's to invent.
    const proxied = (invented: number) => ({
      headers: { "X-Forwarded-For": `192.0.2.${invented}, 10.1.0.${address}` },
    });
    ++address;
    for (let i = 0; i < 3; i++)
      expect((await postBulk(server.url, "ll_live_guess", body(campaignId), proxied(i))).status).toBe(401);
    const blocked = await postBulk(server.url, "ll_live_guess", body(campaignId), proxied(99));
    expect(blocked.status).toBe(429);
    expect(blocked.body.error).toMatch(/^Too many failed authentication attempts/);
  });

  it("lets 10 bulk requests a minute through per account, then answers 429 with Retry-After", async () => {
    const { campaignId, apiKey } = await seedAccount(db.repos);
    const client = from();
    for (let i = 0; i < 10; i++) {
      const sentAt = Math.floor(Date.now() / 1000);
      const response = await postBulk(server.url, apiKey, body(campaignId, i * 2), client);
      expect(response.status).toBe(200);
      expectBudgetHeaders(response.headers, { remaining: 9 - i, sentAt });
    }
    const stored = await db.repos.leads.countByCampaign(new ObjectId(campaignId));
    const sentAt = Math.floor(Date.now() / 1000);
    const limited = await postBulk(server.url, apiKey, body(campaignId, 100), client);
    expect(limited.status).toBe(429);
    expect(limited.body).toMatchObject({ success: false, data: null });
    expect(limited.body.error).toMatch(
      /^Rate limit exceeded: 10 bulk requests per 60 seconds; retry after \d+ seconds$/,
    );
    const retryAfter = Number(limited.headers.get("retry-after"));
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(60);
    expectBudgetHeaders(limited.headers, { remaining: 0, sentAt });
    expect(await db.repos.leads.countByCampaign(new ObjectId(campaignId))).toBe(stored);

    const other = await seedAccount(db.repos);
    expect((await postBulk(server.url, other.apiKey, body(other.campaignId), client)).status).toBe(200);
  });
});

describe("two API processes on one database", () => {
  const db = useTestDatabase("shared_budget");

  it("share one account's bulk budget", { timeout: 120_000 }, async () => {
    const env = { MONGODB_URI: db.uri, MONGODB_DB: db.dbName, BULK_RATE_LIMIT: "6" };
    const [first, second] = await Promise.all([startApiProcess(env), startApiProcess(env)]);
    try {
      const { campaignId, apiKey } = await seedAccount(db.repos);
      const statuses: number[] = [];
      for (let i = 0; i < 8; i++) {
        const target = i % 2 === 0 ? first : second;
        statuses.push((await postBulk(target.url, apiKey, body(campaignId, i * 2))).status);
      }
      expect(statuses).toEqual([200, 200, 200, 200, 200, 200, 429, 429]);
      expect(await db.repos.leads.countByCampaign(new ObjectId(campaignId))).toBe(12);
    } finally {
      await Promise.all([first.stop(), second.stop()]);
    }
  });
});
