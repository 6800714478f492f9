import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RunningApi } from "@leadline/api-service";
import { seedAccount } from "@leadline/db";
import type { FaultProxy } from "@leadline/testkit";
import { useTestDatabase } from "../support/database.ts";
import { startApiBehindProxy } from "../support/proxied-api.ts";

const BAD_KEYS = 40;

describe("issue 21: bad keys from a shared address do not lock out valid keys", () => {
  const db = useTestDatabase("issue21_shared_address");
  let proxy: FaultProxy;
  let api: RunningApi;
  let lastAddress = 0;
  /** A client address of the test's own, as our one trusted proxy forwards it. */
  const newAddress = () => `10.21.0.${++lastAddress}`;

  beforeAll(async () => {
    // Default AUTH_FAILURE_LIMIT (30), so 40 bad keys go well past it; one proxy of ours in front.
    ({ proxy, api } = await startApiBehindProxy(db, { TRUST_PROXY: "1" }));
  });
  afterAll(async () => {
    await api?.close();
    await proxy?.stop();
  });

  /** GET /api/v1/campaigns/{id} with `apiKey`, sent from `address` behind the trusted proxy. */
  const readCampaign = async (campaignId: string, apiKey: string, address: string) => {
    const response = await fetch(`${api.url}/api/v1/campaigns/${campaignId}`, {
      headers: { "x-api-key": apiKey, "X-Forwarded-For": `192.0.2.99, ${address}` },
    });
    return { status: response.status, retryAfter: response.headers.get("retry-after"), body: await response.json() };
  };

  it("serves cached and uncached valid keys from an address past its failure budget; its bad keys stay 429", async () => {
    const shared = newAddress();
    const cachedAccount = await seedAccount(db.repos);
    const uncachedAccount = await seedAccount(db.repos);
    expect((await readCampaign(cachedAccount.campaignId, cachedAccount.apiKey, shared)).status).toBe(200);

    const badStatuses: number[] = [];
    for (let i = 0; i < BAD_KEYS; i++)
      badStatuses.push((await readCampaign(cachedAccount.campaignId, `ll_live_guess-${i}`, shared)).status);
    expect(badStatuses.slice(0, 30).every((status) => status === 401)).toBe(true);
    expect(badStatuses.slice(30)).toEqual(Array(BAD_KEYS - 30).fill(429));

    const cached = await readCampaign(cachedAccount.campaignId, cachedAccount.apiKey, shared);
    expect(cached.status).toBe(200);
    expect(cached.body.data.id).toBe(cachedAccount.campaignId);
    // Never used before, so this process has to look it up: it is served all the same, then cached.
    const uncached = await readCampaign(uncachedAccount.campaignId, uncachedAccount.apiKey, shared);
    expect(uncached.status).toBe(200);
    expect(uncached.body.data.id).toBe(uncachedAccount.campaignId);
    expect((await readCampaign(uncachedAccount.campaignId, uncachedAccount.apiKey, shared)).status).toBe(200);

    const stillRefused = await readCampaign(cachedAccount.campaignId, "ll_live_guess-again", shared);
    expect(stillRefused.status).toBe(429);
    expect(Number(stillRefused.retryAfter)).toBeGreaterThan(0);
    expect(stillRefused.body).toMatchObject({ success: false, data: null });
    expect(stillRefused.body.error).toMatch(/^Too many failed authentication attempts; retry after \d+ seconds$/);

    const elsewhere = newAddress();
    expect((await readCampaign(cachedAccount.campaignId, "ll_live_guess-0", elsewhere)).status).toBe(401);
    expect((await readCampaign(cachedAccount.campaignId, cachedAccount.apiKey, elsewhere)).status).toBe(200);
  });

  it("serves valid keys while the failure limiter's store hangs, and never asks it about them", async () => {
    const address = newAddress();
    const cachedAccount = await seedAccount(db.repos);
    const uncachedAccount = await seedAccount(db.repos);
    expect((await readCampaign(cachedAccount.campaignId, cachedAccount.apiKey, newAddress())).status).toBe(200);
    // Every failure counter lives under "authfail:<address>" in the limiter's collection.
    const marker = `authfail:${address}`;
    const hung = proxy.holdAnswerTo(marker);
    const badKey = readCampaign(cachedAccount.campaignId, "ll_live_guess", address);
    await hung.answered;

    // The bad key's count now hangs in the store. Each valid key below races a trap armed on that
    // store: if its request reached the store it would hang there too, and the trap would spring first.
    const servedBeforeTheStoreWasAsked = async (campaignId: string, apiKey: string) => {
      const trap = proxy.holdAnswerTo(marker);
      return Promise.race([
        readCampaign(campaignId, apiKey, address).then((response) => response.status),
        trap.sent.then(() => "the failure limiter's store was asked"),
      ]);
    };
    expect(await servedBeforeTheStoreWasAsked(uncachedAccount.campaignId, uncachedAccount.apiKey)).toBe(200);
    expect(await servedBeforeTheStoreWasAsked(uncachedAccount.campaignId, uncachedAccount.apiKey)).toBe(200);
    expect(await servedBeforeTheStoreWasAsked(cachedAccount.campaignId, cachedAccount.apiKey)).toBe(200);

    proxy.release();
    expect((await badKey).status).toBe(401);
  });
});
