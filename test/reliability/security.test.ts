import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { request } from "node:http";
import { API_KEY_PREFIX, seedAccount } from "@leadline/db";
import { processStats, startApiProcess, type ApiProcess } from "@leadline/testkit";
import { postBulk } from "../support/api-server.ts";
import { useTestDatabase } from "../support/database.ts";

/**
 * Sends `chunks` as a request body without waiting for them to be read; resolves with the
 * answer and how many bytes of the body had been written when it arrived.
 */
function rawPost(url: string, headers: Record<string, string | number>, chunks: Iterable<Buffer | string>) {
  const started = performance.now();
  let written = 0;
  return new Promise<{ status: number; body: string; ms: number; sentWhenAnswered: number }>((resolve, reject) => {
    const req = request(`${url}/api/v1/leads/bulk`, { method: "POST", headers }, (res) => {
      const sentWhenAnswered = written;
      let body = "";
      res.on("data", (chunk: Buffer) => (body += chunk.toString()));
      res.on("end", () =>
        resolve({ status: res.statusCode ?? 0, body, ms: performance.now() - started, sentWhenAnswered }),
      );
    });
    req.on("error", (error) =>
      error.message.includes("EPIPE") || error.message.includes("ECONNRESET") ? undefined : reject(error),
    );
    (async () => {
      for (const chunk of chunks) {
        if (req.destroyed) return;
        written += chunk.length;
        if (!req.write(chunk)) await new Promise((resolve) => req.once("drain", resolve));
      }
      req.end();
    })().catch(() => undefined);
  });
}

describe("security", () => {
  const db = useTestDatabase("security");
  let api: ApiProcess;

  beforeAll(async () => {
    api = await startApiProcess({
      MONGODB_URI: db.uri,
      MONGODB_DB: db.dbName,
      BULK_RATE_LIMIT: "10000",
      AUTH_FAILURE_LIMIT: "10000",
    });
  });
  afterAll(async () => {
    await api?.stop();
  });

  it("issues keys with a recognisable prefix and 192 random bits, and neither stores nor logs them in plain text", async () => {
    const owner = await seedAccount(db.repos);
    for (const key of [owner.apiKey, owner.readOnlyApiKey])
      expect(key).toMatch(new RegExp(`^${API_KEY_PREFIX}[A-Za-z0-9_-]{32}$`));
    // Use the keys every way a request can: accepted, refused for scope, and mistyped.
    await postBulk(api.url, owner.apiKey, { campaignId: owner.campaignId, leads: [{ phoneNumber: "+15555550100" }] });
    await postBulk(api.url, owner.readOnlyApiKey, {
      campaignId: owner.campaignId,
      leads: [{ phoneNumber: "+15555550101" }],
    });
    await postBulk(api.url, `${owner.apiKey}x`, { campaignId: owner.campaignId, leads: [] });
    await postBulk(api.url, owner.apiKey, { campaignId: owner.campaignId, leads: [] });

    const secrets = [owner.apiKey, owner.readOnlyApiKey].map((key) => key.slice(API_KEY_PREFIX.length));
    const everything = [];
    for (const { name } of await db.connection.db.listCollections().toArray()) {
      everything.push(JSON.stringify(await db.connection.db.collection(name).find().toArray()));
    }
    const stored = everything.join("\n");
    expect(stored.length).toBeGreaterThan(1000);
    const logs = api.logs.join("\n");
    expect(logs).toContain('"status":403');
    for (const secret of secrets) {
      expect(stored).not.toContain(secret);
      expect(logs).not.toContain(secret);
    }
  });

  it("answers operator objects where strings are expected with 4xx, over tRPC and REST", async () => {
    const owner = await seedAccount(db.repos);
    const trpc = async (path: string, input: unknown, method: "GET" | "POST") => {
      const encoded = encodeURIComponent(JSON.stringify(input));
      const response = await fetch(
        method === "GET" ? `${api.url}/trpc/${path}?input=${encoded}` : `${api.url}/trpc/${path}`,
        {
          method,
          headers: { "x-api-key": owner.apiKey, "content-type": "application/json" },
          body: method === "POST" ? JSON.stringify(input) : undefined,
        },
      );
      return `${response.status} ${(await response.json()).error.message}`;
    };
    expect(await trpc("leads.get", { leadId: { $gt: "" } }, "GET")).toBe("400 leadId must be a string");
    expect(await trpc("campaigns.get", { campaignId: { $ne: null } }, "GET")).toBe("400 campaignId must be a string");
    expect(await trpc("leads.list", { campaignId: owner.campaignId, cursor: { $gt: "" } }, "GET")).toBe(
      "400 cursor must be a string",
    );
    expect(await trpc("leads.list", { campaignId: { $regex: ".*" } }, "GET")).toBe("400 campaignId must be a string");
    expect(
      await trpc("leads.bulkCreate", { campaignId: { $ne: null }, leads: [{ phoneNumber: "+15555550100" }] }, "POST"),
    ).toBe("400 campaignId must be a string");
    expect(await trpc("campaigns.update", { campaignId: owner.campaignId, name: { $set: "x" } }, "POST")).toBe(
      "400 name must be a string",
    );

    const rest = async (path: string, apiKey = owner.apiKey) => {
      const response = await fetch(`${api.url}/api/v1${path}`, { headers: { "x-api-key": apiKey } });
      return `${response.status} ${(await response.json()).error}`;
    };
    expect(await rest(`/campaigns/${owner.campaignId}/leads?state[$ne]=pending`)).toMatch(/^400 /);
    expect(await rest(`/leads/${encodeURIComponent('{"$gt":""}')}`)).toBe("404 Lead not found");
    expect(await rest("/campaigns", '{"$ne":null}')).toBe("401 Invalid API key");
  });

  it("refuses size and depth bombs quickly and with bounded memory", { timeout: 60_000 }, async () => {
    const owner = await seedAccount(db.repos);
    const auth = { "x-api-key": owner.apiKey, "content-type": "application/json" };
    const before = processStats(api.child.pid!);
    const megabyte = Buffer.alloc(1024 * 1024, " ");

    const declared = await rawPost(
      api.url,
      { ...auth, "content-length": 50 * 1024 * 1024 },
      Array.from({ length: 50 }, () => megabyte),
    );
    expect(declared.status).toBe(413);
    const chunked = await rawPost(
      api.url,
      { ...auth, "transfer-encoding": "chunked" },
      Array.from({ length: 50 }, () => megabyte),
    );
    expect(chunked.status).toBe(413);

    const deep = `{"campaignId":"${owner.campaignId}","leads":[{"phoneNumber":"+15555550100","metadata":{"a":${"[".repeat(10_000)}${"]".repeat(10_000)}}}]}`;
    const nested = await rawPost(api.url, auth, [deep]);
    expect(nested.status).toBe(400);
    expect(JSON.parse(nested.body).error).toBe("Request body nests deeper than 32 levels");
    const viaTrpc = await fetch(`${api.url}/trpc/leads.bulkCreate`, { method: "POST", headers: auth, body: deep });
    expect(viaTrpc.status).toBe(400);
    expect((await viaTrpc.json()).error.message).toBe("Request body nests deeper than 32 levels");

    const million = `{"campaignId":"${owner.campaignId}","leads":[${new Array(1_000_000).fill("0").join(",")}]}`;
    const wide = await rawPost(api.url, auth, [million]);
    expect(wide.status).toBe(400);
    expect(JSON.parse(wide.body).error).toBe("Maximum 1000 leads per bulk request");

    const after = processStats(api.child.pid!);
    const figures = {
      declared50MbMs: Math.round(declared.ms),
      chunked50MbMs: Math.round(chunked.ms),
      nesting10kMs: Math.round(nested.ms),
      millionElementsMs: Math.round(wide.ms),
      peakRssBeforeMb: Math.round(before.peakRssMb),
      peakRssAfterMb: Math.round(after.peakRssMb),
    };
    console.info(`bombs: ${JSON.stringify(figures)}`);
    // Refused before the body was read: the answer came while most of it was still unsent.
    for (const bomb of [declared, chunked]) expect(bomb.sentWhenAnswered).toBeLessThan(25 * 1024 * 1024);
    expect(JSON.parse(declared.body).error).toMatch(/^Request body is larger than \d+ bytes/);
    expect(JSON.parse(chunked.body).error).toMatch(/^Request body is larger than \d+ bytes/);
    expect(after.peakRssMb - before.peakRssMb).toBeLessThan(200);
    expect((await fetch(`${api.url}/healthz`)).status).toBe(200);
  });
});
