import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { execFile, spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { seedAccount } from "@leadline/db";
import { spawnService, type ServiceProcess } from "@leadline/embedded-mongo/spawn-service";
import { testPhones } from "@leadline/testkit";
import { postBulk } from "./support/api-server.ts";
import { useTestDatabase } from "./support/database.ts";

const root = fileURLToPath(new URL("../", import.meta.url));
const built = (file: string) => `${root}${file}`;

/** Runs a built entry with plain node and no MONGODB_URI; resolves with its exit code and output. */
function runWithout(file: string, env: Record<string, string>) {
  const inherited = Object.fromEntries(Object.entries(process.env).filter(([name]) => name !== "MONGODB_URI"));
  const result = spawnSync(process.execPath, [built(file)], {
    env: { ...inherited, ...env },
    encoding: "utf8",
    timeout: 30_000,
  });
  return { code: result.status, lines: `${result.stdout}${result.stderr}`.trim().split("\n") };
}

describe("the production build", () => {
  const db = useTestDatabase("production_build");
  let api: ServiceProcess<string>;

  beforeAll(async () => {
    await promisify(execFile)(process.execPath, [built("scripts/build.mjs")], { cwd: root });
    api = await spawnService(
      "built API",
      process.execPath,
      [built("services/api/dist/main.node.js")],
      {
        cwd: root,
        env: { ...process.env, NODE_ENV: "production", MONGODB_URI: db.uri, MONGODB_DB: db.dbName, PORT: "0" },
      },
      (line) => /"url":"(http:[^"]+)"/.exec(line)?.[1],
    );
  });
  afterAll(async () => {
    await api?.stop();
  });

  it("serves the docs' example with plain node, logging JSON lines", async () => {
    const { apiKey, campaignId } = await seedAccount(db.repos);
    const leads = testPhones(3).map((phoneNumber) => ({ phoneNumber }));
    const response = await postBulk(api.ready, apiKey, { campaignId, leads });
    expect(response.status).toBe(200);
    expect(response.body.data.created).toBe(3);
    for (const line of api.logs.filter(Boolean)) expect(() => JSON.parse(line)).not.toThrow();
  });

  it("loads the embedded database's code only by a dynamic import, so MONGODB_URI never pulls it in", () => {
    const bundle = readFileSync(built("services/api/dist/main.node.js"), "utf8");
    expect(bundle).not.toContain("mongodb-memory-server");
    expect(bundle).not.toContain("Launcher.java");
    expect(bundle).toMatch(/await import\("(\.\.\/)+packages\/embedded-mongo\/dist\/index\.js"\)/);
  });

  it.each([
    ["the API", "services/api/dist/main.node.js"],
    ["the worker", "services/dispatcher/dist/main.node.js"],
    ["the background worker", "services/background-worker/dist/main.node.js"],
  ])("refuses to start %s in production without MONGODB_URI, in one line", (_name, file) => {
    const { code, lines } = runWithout(file, {
      NODE_ENV: "production",
      DIALER_URL: "http://127.0.0.1:9/calls",
      DIALER_SECRET: "0123456789abcdef0123",
    });
    expect(code).toBe(1);
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0]!).msg).toBe(
      "MONGODB_URI is required when NODE_ENV=production: set it to your MongoDB deployment",
    );
  });

  it("builds a CSV importer that runs with plain node", () => {
    const result = spawnSync(process.execPath, [built("scripts/dist/import-csv.js"), "--help"], { encoding: "utf8" });
    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(/^Usage: pnpm import:csv --file leads.csv --campaign ID/);
  });
});
