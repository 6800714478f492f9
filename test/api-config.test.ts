import { describe, expect, it } from "vitest";
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { parseApiConfig } from "@leadline/api-service";
import { seedAccount } from "@leadline/db";
import { waitFor, testPhones } from "@leadline/testkit";
import { postBulk, useApiServer } from "./support/api-server.ts";
import { useTestDatabase } from "./support/database.ts";

const apiDir = fileURLToPath(new URL("../services/api/", import.meta.url));

describe("API configuration", () => {
  it.each([
    [{ PORT: "http" }, /^invalid configuration: PORT: /],
    [{ PORT: "70000" }, /^invalid configuration: PORT: /],
    [{ MONGODB_URI: "postgres://db" }, /MONGODB_URI: must start with mongodb:\/\/ or mongodb\+srv:\/\//],
    [{ TRUST_PROXY: "maybe" }, /^invalid configuration: TRUST_PROXY: /],
    [{ MAX_BODY_BYTES: "10" }, /^invalid configuration: MAX_BODY_BYTES: /],
    [{ LOG_LEVEL: "loud" }, /^invalid configuration: LOG_LEVEL: /],
  ])("refuses %j, naming the variable", (env, message) => {
    expect(() => parseApiConfig(env)).toThrow(message);
  });

  it("stops the process at start-up with one line naming the bad variable", () => {
    const result = spawnSync(process.execPath, ["--import", "tsx", "src/main.node.ts"], {
      cwd: apiDir,
      env: { ...process.env, PORT: "http", MONGODB_URI: "mongodb://127.0.0.1:9/never" },
      encoding: "utf8",
      timeout: 30_000,
    });
    expect(result.status).toBe(1);
    const lines = `${result.stdout}${result.stderr}`.trim().split("\n");
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0]!)).toMatchObject({ level: "fatal", msg: expect.stringMatching(/PORT: /) });
  });

  it("keeps the documented defaults: no trusted proxy, keys cached 5 s", () => {
    const config = parseApiConfig({});
    expect(config).toMatchObject({ trustedProxyHops: 0, apiKeyCacheTtlMs: 5_000, port: 3000, host: "127.0.0.1" });
  });
});

describe("the API with its default settings", () => {
  const db = useTestDatabase("api_defaults");
  const server = useApiServer(db, { AUTH_FAILURE_LIMIT: "3" });
  const body = (campaignId: string, start: number) => ({
    campaignId,
    leads: [{ phoneNumber: testPhones(1, start)[0] }],
  });

  it("ignores X-Forwarded-For: a rotating header does not escape the failed-authentication limit", async () => {
    const { apiKey, campaignId } = await seedAccount(db.repos);
    for (let i = 0; i < 3; i++) {
      const headers = { "X-Forwarded-For": `198.51.100.${i}` };
      expect((await postBulk(server.url, "ll_live_guess", body(campaignId, i), { headers })).status).toBe(401);
    }
    // A fourth guess under yet another forwarded address is still the same client's.
    const blocked = await postBulk(server.url, "ll_live_guess", body(campaignId, 9), {
      headers: { "X-Forwarded-For": "198.51.100.99" },
    });
    expect(blocked.status).toBe(429);
    expect(blocked.body.error).toMatch(/^Too many failed authentication attempts/);
    // A key that checks out is served from the same address all the same.
    const served = await postBulk(server.url, apiKey, body(campaignId, 10), {
      headers: { "X-Forwarded-For": "198.51.100.99" },
    });
    expect(served.status).toBe(200);
  });
});

describe("the API key cache by default", () => {
  const db = useTestDatabase("api_key_cache_default");
  const server = useApiServer(db);

  it(
    "lets a cached key work on briefly after its revocation, and refuses it within 5 s",
    { timeout: 30_000 },
    async () => {
      const { apiKey, campaignId } = await seedAccount(db.repos);
      const body = (start: number) => ({ campaignId, leads: [{ phoneNumber: testPhones(1, 800 + start)[0] }] });
      expect((await postBulk(server.url, apiKey, body(0))).status).toBe(200);
      const key = await db.repos.apiKeys.findActiveByKey(apiKey);
      await db.repos.apiKeys.revoke(key!._id);
      const revokedAt = Date.now();
      // Still in this process's cache: the documented trade for sparing a lookup per request.
      expect((await postBulk(server.url, apiKey, body(1))).status).toBe(200);
      let attempt = 2;
      await waitFor(
        "the revoked key to be refused",
        async () => (await postBulk(server.url, apiKey, body(attempt++))).status === 401,
        7_000,
      );
      expect(Date.now() - revokedAt).toBeGreaterThanOrEqual(4_000);
    },
  );
});
