import { describe, expect, it } from "vitest";
import { execFile } from "node:child_process";
import { request } from "node:http";
import { createHmac } from "node:crypto";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { spawnService } from "@leadline/embedded-mongo/spawn-service";
import { waitFor, testPhones } from "@leadline/testkit";
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
  const secret = "demo-dialer-secret-0123456789";
  /** `Leadline-Signature` for `body` at `t`, made as the README tells dialers to check it. */
  const sign = (body: string, t = Math.floor(Date.now() / 1000), key = secret) =>
    `t=${t},v1=${createHmac("sha256", key).update(`${t}.${body}`).digest("hex")}`;
  const withDemoDialer = async (test: (dialer: { url: string; logs: string[]; alive(): boolean }) => Promise<void>) => {
    const dialer = await spawnService(
      "demo dialer",
      process.execPath,
      ["--import", "tsx", `${scriptsDir}demo-dialer.ts`, "--port", "0"],
      { env: { ...process.env, DIALER_SECRET: secret } },
      (line) => /listening on (http:\S+)/.exec(line)?.[1],
    );
    try {
      await test({ url: dialer.ready, logs: dialer.logs, alive: () => dialer.child.exitCode === null });
    } finally {
      await dialer.stop();
    }
  };
  const post = (url: string, body: string, headers: Record<string, string>) =>
    fetch(url, { method: "POST", headers: { "content-type": "application/json", ...headers }, body });

  it("checks each hand-off's signature and its age: a right one is called; a wrong, stale or missing one refused with 401", () =>
    withDemoDialer(async (dialer) => {
      const body = JSON.stringify({
        leadId: "l1",
        phoneNumber: "+15555550100",
        priority: 7,
        attempt: 1,
        metadata: { name: "Ann" },
      });
      const now = Math.floor(Date.now() / 1000);
      const key = { "idempotency-key": "l1:1" };
      expect((await post(dialer.url, body, { ...key, "leadline-signature": sign(body, now) })).status).toBe(200);
      expect(
        (await post(dialer.url, body, { ...key, "leadline-signature": sign(body, now, `${secret}x`) })).status,
      ).toBe(401);
      expect((await post(dialer.url, body, { ...key, "leadline-signature": sign(body, now - 301) })).status).toBe(401);
      expect((await post(dialer.url, body, key)).status).toBe(401);
      // The old body-only header alone is not enough any more.
      const legacy = `sha256=${createHmac("sha256", secret).update(body).digest("hex")}`;
      expect((await post(dialer.url, body, { ...key, "x-leadline-signature": legacy })).status).toBe(401);
      // Its output arrives through a pipe: wait for the lines rather than assume they are there.
      await waitFor(
        "the REJECTED line",
        () => dialer.logs.some((line) => /REJECTED +bad or stale signature/.test(line)),
        5_000,
      );
      expect(dialer.logs.join("\n")).toMatch(/CALLING +\+15555550100 +priority 7 +attempt 1 +Ann/);
    }));

  it("answers TRACE 405, a huge body 413 and a signed non-JSON body 400, and keeps serving", () =>
    withDemoDialer(async (dialer) => {
      const trace = await new Promise<number>((resolve, reject) =>
        request(dialer.url, { method: "TRACE" }, (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        })
          .on("error", reject)
          .end(),
      );
      expect(trace).toBe(405);
      const huge = await post(dialer.url, "x".repeat(2 * 1024 * 1024), {}).catch(() => undefined);
      // Refused before it is read in full: a 413, or the connection closed under the upload.
      expect(huge === undefined || huge.status === 413).toBe(true);
      expect((await post(dialer.url, "not json", { "leadline-signature": sign("not json") })).status).toBe(400);
      expect(dialer.alive()).toBe(true);
      const body = JSON.stringify({
        leadId: "l2",
        phoneNumber: "+15555550101",
        priority: 0,
        attempt: 1,
        metadata: null,
      });
      expect((await post(dialer.url, body, { "leadline-signature": sign(body) })).status).toBe(200);
    }));
});
