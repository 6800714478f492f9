import { execFile, spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import pino from "pino";
import { parseApiConfig, startApi } from "@leadline/api-service";
import { concurrentClaim, DB_CHECKS, EXACTLY_ONCE_CHECKS, pushSlice, type StartupCheck } from "@leadline/db";
import { parseDispatcherConfig, runWorker } from "@leadline/dispatcher";
import { useTestDatabase } from "../support/database.ts";

const run = promisify(execFile);
const root = fileURLToPath(new URL("../../", import.meta.url));
const scratchDatabases = async (db: ReturnType<typeof useTestDatabase>) =>
  (await db.connection.client.db().admin().listDatabases({ nameOnly: true })).databases
    .map((entry) => entry.name)
    .filter((name) => name.startsWith("leadline_dbcheck_"));

// What FerretDB 1.24 did to the claim (issue 22): a judge fed those figures, in place of a run.
const claimAsOnFerretDb = {
  ...concurrentClaim,
  run: async () => ({ documents: 200, claimers: 12, claims: 833, distinct: 200 }),
};
const guardsWithBrokenClaim = [claimAsOnFerretDb, ...EXACTLY_ONCE_CHECKS.filter((check) => check !== concurrentClaim)];

describe("pnpm db:check", () => {
  const db = useTestDatabase("issue_22_db_check");

  it(
    "passes on the wire server with one line per behaviour, and leaves no scratch database",
    { timeout: 60_000 },
    async () => {
      const script = JSON.parse(readFileSync(`${root}package.json`, "utf8")).scripts["db:check"];
      expect(script).toBe("tsx scripts/src/db-check.ts");
      const before = await scratchDatabases(db);
      const { stdout } = await run(process.execPath, ["--import", "tsx", "scripts/src/db-check.ts"], {
        cwd: root,
        env: { ...process.env, MONGODB_URI: db.uri },
      });
      const lines = stdout.trim().split("\n");
      expect(lines).toHaveLength(DB_CHECKS.length + 1);
      for (const [i, check] of DB_CHECKS.entries()) {
        // mongo-java-server has no explain and ignores non-unique indexes: a warning, by design.
        const expected = check.name.startsWith("claim query index use")
          ? `warn  ${check.name}: `
          : `ok    ${check.name}`;
        expect(lines[i]!.startsWith(expected), lines[i]).toBe(true);
      }
      expect(lines.at(-1)).toMatch(/^7 ok, 1 warned, 0 failed in \d+ ms$/);
      expect(await scratchDatabases(db)).toEqual(before);
    },
  );

  it("--quick runs the start-up form: the exactly-once guards alone", async () => {
    const { stdout } = await run(process.execPath, ["--import", "tsx", "scripts/src/db-check.ts", "--quick"], {
      cwd: root,
      env: { ...process.env, MONGODB_URI: db.uri },
    });
    expect(stdout.trim().split("\n")).toEqual([
      ...EXACTLY_ONCE_CHECKS.map((check) => `ok    ${check.name}`),
      expect.stringMatching(/^5 ok, 0 warned, 0 failed in \d+ ms$/),
    ]);
  });
});

describe("a service over a database that breaks an exactly-once guard", () => {
  const db = useTestDatabase("issue_22_startup_guard");
  const apiConfig = (env: Record<string, string>, dbCheck?: Partial<StartupCheck>) => {
    const config = parseApiConfig({ PORT: "0", ...env });
    return { ...config, mongoUri: db.uri, mongoDbName: db.dbName, dbCheck: { ...config.dbCheck, ...dbCheck } };
  };
  const silent = pino({ level: "silent" });
  const scratchCollections = async () =>
    (await db.connection.db.listCollections({}, { nameOnly: true }).toArray())
      .map(({ name }) => name)
      .filter((name) => name.startsWith("leadline_dbcheck_"));

  it("the API refuses to start, naming the behaviour", async () => {
    await expect(startApi(apiConfig({}, { checks: guardsWithBrokenClaim }), silent)).rejects.toThrow(
      /exactly once: concurrent claim \(findOneAndUpdate\): 12 concurrent claimers were handed 833 claims .*set DB_CHECK=off to start anyway/,
    );
  });

  it("the API names every failed behaviour", async () => {
    const sliceIgnored = { ...pushSlice, run: async () => ({ pushed: 5, cap: 3, kept: [1, 2, 3, 4, 5] }) };
    await expect(startApi(apiConfig({}, { checks: [claimAsOnFerretDb, sliceIgnored] }), silent)).rejects.toThrow(
      /concurrent claim \(findOneAndUpdate\): .*; \$push with \$each and \$slice: after 5 pushes capped at 3, 5 entries were kept/,
    );
  });

  it("the API starts with DB_CHECK=off, and by default when every guard holds", async () => {
    const off = await startApi(apiConfig({ DB_CHECK: "off" }, { checks: guardsWithBrokenClaim }), silent);
    expect((await fetch(`${off.url}/healthz`)).status).toBe(200);
    await off.close();
    const checked = await startApi(apiConfig({}), silent);
    expect((await fetch(`${checked.url}/healthz`)).status).toBe(200);
    await checked.close();
    // It ran in scratch collections of the service's own database, and removed them.
    expect(await scratchCollections()).toEqual([]);
  });

  it("the dispatcher refuses to start, naming the behaviour, and starts with DB_CHECK=off", async () => {
    const env = {
      MONGODB_URI: db.uri,
      MONGODB_DB: db.dbName,
      DIALER_URL: "http://127.0.0.1:9/calls",
      LOG_LEVEL: "silent",
    };
    const secret = { DIALER_SECRET: "issue-22-test-secret-0123456789" };
    const refused = parseDispatcherConfig({ ...env, ...secret });
    await expect(
      runWorker({ ...refused, dbCheck: { ...refused.dbCheck, checks: guardsWithBrokenClaim } }),
    ).rejects.toThrow(/concurrent claim \(findOneAndUpdate\): 12 concurrent claimers were handed 833 claims/);
    const off = parseDispatcherConfig({ ...env, ...secret, DB_CHECK: "off" });
    const worker = await runWorker({ ...off, dbCheck: { ...off.dbCheck, checks: guardsWithBrokenClaim } });
    await worker.stop();
  });

  it.each(["api", "dispatcher", "background-worker"])(
    "the %s refuses a DB_CHECK that is neither on nor off, naming it",
    (service) => {
      const result = spawnSync(process.execPath, ["--import", "tsx", "src/main.node.ts"], {
        cwd: `${root}services/${service}/`,
        env: {
          ...process.env,
          MONGODB_URI: "mongodb://127.0.0.1:9/never",
          DIALER_URL: "http://127.0.0.1:9/calls",
          DIALER_SECRET: "issue-22-test-secret-0123456789",
          DB_CHECK: "maybe",
        },
        encoding: "utf8",
        timeout: 30_000,
      });
      expect(result.status).not.toBe(0);
      expect(`${result.stdout}${result.stderr}`).toMatch(/DB_CHECK: must be \\?"on\\?" or \\?"off\\?"/);
    },
  );
});
