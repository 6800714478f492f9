import { describe, expect, it } from "vitest";
import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { seedAccount } from "@leadline/db";
import { waitFor } from "@leadline/testkit";
import { postBulk, useApiServer } from "../support/api-server.ts";
import { useTestDatabase } from "../support/database.ts";

const run = promisify(execFile);
const script = fileURLToPath(new URL("../../scripts/src/api-keys.ts", import.meta.url));

describe("pnpm keys: create, list and revoke API keys", () => {
  const db = useTestDatabase("keys");
  const server = useApiServer(db, { API_KEY_CACHE_TTL_MS: "300" });
  const keys = async (...args: string[]) => {
    const { stdout } = await run(process.execPath, ["--import", "tsx", script, ...args, "--json"], {
      env: { ...process.env, MONGODB_URI: db.uri, MONGODB_DB: db.dbName },
    });
    return JSON.parse(stdout.trim());
  };

  it(
    "creates a working key, lists keys without secrets, and a revoked key stops working within the cache time",
    { timeout: 60_000 },
    async () => {
      const { accountId, campaignId } = await seedAccount(db.repos);
      const created = await keys("create", "--account", accountId, "--scopes", "write");
      const body = { campaignId, leads: [{ phoneNumber: "+15555550123" }] };
      expect((await postBulk(server.url, created.key, body)).status).toBe(200);

      const listed = await keys("list", "--account", accountId);
      expect(listed).toHaveLength(3);
      expect(JSON.stringify(listed)).not.toContain(created.key);
      expect(listed.find((key: { id: string }) => key.id === created.id)).toMatchObject({
        scopes: ["write"],
        revokedAt: null,
      });

      // Used just now, so this process has the key cached: revocation must still win within the cache time.
      expect(await keys("revoke", "--id", created.id)).toEqual({ revoked: true });
      let refused = await postBulk(server.url, created.key, body);
      await waitFor(
        "the revoked key to be refused (cache TTL 300 ms)",
        async () => (refused = await postBulk(server.url, created.key, body)).status === 401,
        3_000,
      );
      expect(refused.body).toEqual({ success: false, data: null, error: "Invalid API key" });
    },
  );
});
