import { describe, expect, it } from "vitest";
import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { findEmbeddedDatabase } from "@leadline/embedded-mongo";
import { EMBEDDED_DATABASE_RECORD } from "@leadline/embedded-mongo/database-record";
import { spawnService } from "@leadline/embedded-mongo/spawn-service";
import { testPhones } from "@leadline/testkit";
import { postBulk } from "./support/api-server.ts";

const run = promisify(execFile);
const apiDir = fileURLToPath(new URL("../services/api/", import.meta.url));
const seedScript = fileURLToPath(new URL("../scripts/src/seed.ts", import.meta.url));

/** The environment of a newcomer's terminal: no MONGODB_URI anywhere. */
function withoutDatabase(): Record<string, string> {
  const env = Object.fromEntries(
    Object.entries(process.env).filter((entry): entry is [string, string] => entry[1] !== undefined),
  );
  delete env.MONGODB_URI;
  delete env.MONGODB_DB;
  return env;
}

describe("pnpm start without MONGODB_URI", () => {
  it(
    "runs on an embedded database that pnpm seed in another terminal finds by itself, and forgets it on exit",
    { timeout: 120_000 },
    async () => {
      expect(findEmbeddedDatabase(), "another `pnpm start` is running in this checkout").toBeUndefined();
      const api = await spawnService(
        "API on an embedded database",
        process.execPath,
        ["--import", "tsx", "src/main.node.ts"],
        { cwd: apiDir, env: { ...withoutDatabase(), PORT: "0" } },
        (line) => /"url":"(http:[^"]+)"/.exec(line)?.[1],
      );
      try {
        expect(api.logs.join("\n")).toMatch(/DATA WILL NOT PERSIST/);
        expect(existsSync(EMBEDDED_DATABASE_RECORD)).toBe(true);
        const { stdout } = await run(process.execPath, ["--import", "tsx", seedScript, "--json"], {
          env: withoutDatabase(),
        });
        const seeded = JSON.parse(stdout);
        const response = await postBulk(api.ready, seeded.apiKey, {
          campaignId: seeded.campaignId,
          leads: [{ phoneNumber: testPhones(1, 0, 212)[0] }],
        });
        expect(response.status).toBe(200);
        expect(response.body.data.created).toBe(1);
      } finally {
        expect(await api.stop("SIGTERM")).toBe(0);
      }
      expect(existsSync(EMBEDDED_DATABASE_RECORD)).toBe(false);
    },
  );
});
