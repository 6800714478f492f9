import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createLeadlineClient, leadlineErrorDetails, type LeadlineErrorDetails } from "@leadline/client";
import type { RunningApi } from "@leadline/api-service";
import { seedAccount } from "@leadline/db";
import { type FaultProxy, testPhones } from "@leadline/testkit";
import { API_RUNTIMES, postBulk, useApiServer } from "./support/api-server.ts";
import { startApiBehindProxy } from "./support/proxied-api.ts";
import { useTestDatabase } from "./support/database.ts";

async function failureOf(call: Promise<unknown>): Promise<LeadlineErrorDetails> {
  const error = await call.then(
    () => undefined,
    (thrown: unknown) => thrown,
  );
  const details = leadlineErrorDetails(error);
  if (!details) throw new Error(`expected a tRPC client error, got ${String(error)}`);
  return details;
}

const leadsOf = (count: number, start = 0) => testPhones(count, start).map((phoneNumber) => ({ phoneNumber }));

describe.each(API_RUNTIMES)("tRPC answers 413, 415 and 429 as REST does (%s)", (runtime) => {
  const db = useTestDatabase(`parity_${runtime}`);
  const server = useApiServer(db, { MAX_BODY_BYTES: "4096", BULK_RATE_LIMIT: "2" }, runtime);

  it("refuses a body over the limit with 413 and the same message", async () => {
    const { apiKey, campaignId } = await seedAccount(db.repos);
    const client = createLeadlineClient({ url: server.url, apiKey });
    const big = { campaignId, leads: leadsOf(200) };
    const viaRest = await postBulk(server.url, apiKey, big);
    const viaTrpc = await failureOf(client.leads.bulkCreate.mutate(big));
    expect(viaRest.status).toBe(413);
    expect(viaTrpc).toMatchObject({ httpStatus: 413, code: "PAYLOAD_TOO_LARGE", message: viaRest.body.error });
  });

  it("refuses another media type with 415 and the same message", async () => {
    const { apiKey, campaignId } = await seedAccount(db.repos);
    const body = JSON.stringify({ campaignId, leads: leadsOf(1) });
    const headers = { "x-api-key": apiKey, "content-type": "text/plain" };
    const viaRest = await fetch(`${server.url}/api/v1/leads/bulk`, { method: "POST", headers, body });
    const viaTrpc = await fetch(`${server.url}/trpc/leads.bulkCreate`, { method: "POST", headers, body });
    expect(viaRest.status).toBe(415);
    expect(viaTrpc.status).toBe(415);
    const restError = (await viaRest.json()).error;
    expect(restError).toBe('Unsupported Content-Type "text/plain": send Content-Type: application/json');
    expect((await viaTrpc.json()).error).toMatchObject({
      message: restError,
      data: { httpStatus: 415, errorCode: "UNSUPPORTED_MEDIA_TYPE" },
    });
  });

  it("shares one budget across both paths and answers 429 with Retry-After alike", async () => {
    const { apiKey, campaignId } = await seedAccount(db.repos);
    const client = createLeadlineClient({ url: server.url, apiKey });
    await client.leads.bulkCreate.mutate({ campaignId, leads: leadsOf(1, 10) });
    expect((await postBulk(server.url, apiKey, { campaignId, leads: leadsOf(1, 11) })).status).toBe(200);
    const viaRest = await postBulk(server.url, apiKey, { campaignId, leads: leadsOf(1, 12) });
    const viaTrpc = await fetch(`${server.url}/trpc/leads.bulkCreate`, {
      method: "POST",
      headers: { "x-api-key": apiKey, "content-type": "application/json" },
      body: JSON.stringify({ campaignId, leads: leadsOf(1, 13) }),
    });
    expect(viaRest.status).toBe(429);
    expect(viaTrpc.status).toBe(429);
    expect(Number(viaTrpc.headers.get("retry-after"))).toBeGreaterThan(0);
    expect((await viaTrpc.json()).error.message).toMatch(/^Rate limit exceeded: 2 bulk requests per 60 seconds/);
    expect(viaRest.body.error).toMatch(/^Rate limit exceeded: 2 bulk requests per 60 seconds/);
  });
});

describe("tRPC answers 503 as REST does while the database is away", () => {
  const db = useTestDatabase("parity_outage");
  let proxy: FaultProxy;
  let api: RunningApi;

  beforeAll(async () => {
    ({ proxy, api } = await startApiBehindProxy(db, {
      MONGODB_SERVER_SELECTION_TIMEOUT_MS: "500",
      API_KEY_CACHE_TTL_MS: "60000",
    }));
  });
  afterAll(async () => {
    await api?.close();
    await proxy?.stop();
  });

  it("answers 503 with Retry-After and the same message on both paths", async () => {
    const { apiKey, campaignId } = await seedAccount(db.repos);
    const client = createLeadlineClient({ url: api.url, apiKey });
    // One call while the database is up caches the key and the campaign, so the outage hits the insert.
    await client.leads.bulkCreate.mutate({ campaignId, leads: leadsOf(1, 20) });
    await proxy.cut();
    try {
      const viaRest = await postBulk(api.url, apiKey, { campaignId, leads: leadsOf(1, 21) });
      const viaTrpc = await failureOf(client.leads.bulkCreate.mutate({ campaignId, leads: leadsOf(1, 22) }));
      expect(viaRest.status).toBe(503);
      expect(Number(viaRest.headers.get("retry-after"))).toBeGreaterThan(0);
      expect(viaRest.body).toEqual({
        success: false,
        data: null,
        error: "The database is unavailable; retry the request shortly",
      });
      expect(viaTrpc).toMatchObject({ httpStatus: 503, code: "SERVICE_UNAVAILABLE", message: viaRest.body.error });
    } finally {
      await proxy.restore();
    }
  });
});
