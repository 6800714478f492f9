import { describe, expect, it } from "vitest";
import { execFile } from "node:child_process";
import { createHmac } from "node:crypto";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { spawnService, waitFor, testPhones } from "@leadline/testkit";
import { postBulk, useApiServer } from "./support/api-server.ts";
import { useTestDatabase } from "./support/database.ts";
import { rest } from "./support/rest.ts";

const run = promisify(execFile);
const scriptsDir = fileURLToPath(new URL("../scripts/src/", import.meta.url));

describe("pnpm seed and pnpm keys", () => {
  const db = useTestDatabase("scripts");
  const server = useApiServer(db);
  const script = (name: string, ...args: string[]) =>
    run(process.execPath, ["--import", "tsx", `${scriptsDir}${name}`, ...args], {
      env: { ...process.env, MONGODB_URI: db.uri, MONGODB_DB: db.dbName },
    });

  it("seed --json prints one object whose keys work with the scopes they claim", async () => {
    const { stdout } = await script("seed.ts", "--json");
    const lines = stdout.trim().split("\n");
    expect(lines).toHaveLength(1);
    const seeded = JSON.parse(lines[0]!);
    expect(Object.keys(seeded).sort()).toEqual(["accountId", "apiKey", "campaignId", "readOnlyApiKey"]);
    const body = { campaignId: seeded.campaignId, leads: [{ phoneNumber: testPhones(1, 700)[0] }] };
    expect((await postBulk(server.url, seeded.apiKey, body)).status).toBe(200);
    expect((await postBulk(server.url, seeded.readOnlyApiKey, body)).status).toBe(403);
    expect((await rest(server.url, seeded.readOnlyApiKey, "GET", `/campaigns/${seeded.campaignId}`)).status).toBe(200);
  });

  it("seed without --json prints the ids, both keys and a curl line to try", async () => {
    const { stdout } = await script("seed.ts", "--campaign", "Winter");
    const campaignId = /^Campaign: +([0-9a-f]{24})$/m.exec(stdout)?.[1];
    const apiKey = /^API key \(read\+write\): (\S+)$/m.exec(stdout)?.[1];
    expect(stdout).toMatch(/^API key \(read-only\): +\S+$/m);
    expect(stdout).toContain(`-H "x-api-key: ${apiKey}"`);
    const campaign = await rest(server.url, apiKey!, "GET", `/campaigns/${campaignId}`);
    expect(campaign.body.data).toMatchObject({ id: campaignId, name: "Winter" });
  });

  it("keys create --scopes read makes a key that reads and cannot write", async () => {
    const seeded = JSON.parse((await script("seed.ts", "--json")).stdout);
    const created = JSON.parse(
      (await script("api-keys.ts", "create", "--account", seeded.accountId, "--scopes", "read", "--json")).stdout,
    );
    expect(created).toMatchObject({ scopes: ["read"] });
    expect((await rest(server.url, created.key, "GET", "/campaigns")).status).toBe(200);
    const write = await postBulk(server.url, created.key, {
      campaignId: seeded.campaignId,
      leads: [{ phoneNumber: testPhones(1, 701)[0] }],
    });
    expect(write.status).toBe(403);
    expect(write.body.error).toBe('This API key lacks the "write" scope');
  });
});

describe("pnpm dialer:demo", () => {
  it("checks each hand-off's signature: a right one is called, a wrong one refused with 401", async () => {
    const secret = "demo-dialer-secret-0123456789";
    const dialer = await spawnService(
      "demo dialer",
      process.execPath,
      ["--import", "tsx", `${scriptsDir}demo-dialer.ts`, "--port", "0"],
      { env: { ...process.env, DIALER_SECRET: secret } },
      (line) => /listening on (http:\S+)/.exec(line)?.[1],
    );
    try {
      const body = JSON.stringify({
        leadId: "l1",
        phoneNumber: "+15555550100",
        priority: 7,
        attempt: 1,
        metadata: { name: "Ann" },
      });
      const signed = `sha256=${createHmac("sha256", secret).update(body).digest("hex")}`;
      const post = (signature: string) =>
        fetch(dialer.ready, {
          method: "POST",
          headers: { "content-type": "application/json", "x-leadline-signature": signature, "idempotency-key": "l1" },
          body,
        });
      expect((await post(signed)).status).toBe(200);
      expect((await post(signed.replace(/.$/, (c) => (c === "0" ? "1" : "0")))).status).toBe(401);
      // Its output arrives through a pipe: wait for the lines rather than assume they are there.
      await waitFor("the REJECTED line", () => dialer.logs.some((line) => /REJECTED +bad signature/.test(line)), 5_000);
      expect(dialer.logs.join("\n")).toMatch(/CALLING +\+15555550100 +priority 7 +attempt 1 +Ann/);
    } finally {
      await dialer.stop();
    }
  });
});
