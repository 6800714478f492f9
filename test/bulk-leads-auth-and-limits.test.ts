import { describe, expect, it } from "vitest";
import { seedAccount } from "@leadline/db";
import { startApiProcess, testPhones } from "@leadline/testkit";
import { postBulk, useApiServer } from "./support/api-server.ts";
import { useTestDatabase } from "./support/database.ts";

const body = (campaignId: string, start = 0) => ({
  campaignId,
  leads: testPhones(2, start).map((phoneNumber) => ({ phoneNumber })),
});

describe("authentication, scopes and rate limits", () => {
  const db = useTestDatabase("auth_limits");
  const server = useApiServer(db, (config) => ({
    trustProxy: true,
    limits: { ...config.limits, authFailurePoints: 3 },
  }));
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
    expect((await postBulk(server.url, `${apiKey}nope`, body(campaignId), client)).status).toBe(401);
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
    expect(await db.repos.collections.leads.countDocuments({ phoneNumber: testPhones(1)[0] })).toBe(0);
  });

  it("limits failed authentication per client address", async () => {
    const { campaignId, apiKey } = await seedAccount(db.repos);
    const client = from();
    for (let i = 0; i < 3; i++)
      expect((await postBulk(server.url, "ll_live_guess", body(campaignId), client)).status).toBe(401);
    const blocked = await postBulk(server.url, apiKey, body(campaignId), client);
    expect(blocked.status).toBe(429);
    expect(Number(blocked.headers.get("retry-after"))).toBeGreaterThan(0);
    expect(blocked.body.error).toMatch(/^Too many failed authentication attempts/);
    expect((await postBulk(server.url, apiKey, body(campaignId), from())).status).toBe(200);
  });

  it("lets 10 bulk requests a minute through per account, then answers 429 with Retry-After", async () => {
    const { campaignId, apiKey } = await seedAccount(db.repos);
    const client = from();
    for (let i = 0; i < 10; i++) {
      const response = await postBulk(server.url, apiKey, body(campaignId, i * 2), client);
      expect(response.status).toBe(200);
      expect(response.headers.get("ratelimit-remaining")).toBe(String(9 - i));
      expect(response.headers.get("x-ratelimit-limit")).toBe("10");
    }
    const limited = await postBulk(server.url, apiKey, body(campaignId, 100), client);
    expect(limited.status).toBe(429);
    expect(limited.body).toMatchObject({ success: false, data: null });
    expect(limited.body.error).toMatch(/^Rate limit exceeded: 10 bulk requests per 60 seconds/);
    const retryAfter = Number(limited.headers.get("retry-after"));
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(60);
    expect(limited.headers.get("ratelimit-remaining")).toBe("0");

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
      expect(await db.repos.collections.leads.countDocuments({})).toBe(12);
    } finally {
      await Promise.all([first.stop(), second.stop()]);
    }
  });
});
