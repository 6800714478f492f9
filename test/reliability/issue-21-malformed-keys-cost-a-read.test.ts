import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RunningApi } from "@leadline/api-service";
import { COLLECTION_NAMES, generateApiKey, seedAccount } from "@leadline/db";
import type { FaultProxy } from "@leadline/testkit";
import { useTestDatabase } from "../support/database.ts";
import { startApiBehindProxy } from "../support/proxied-api.ts";

const FAILURES_ALLOWED = 5;

/**
 * Issue 21 follow-up: every key the API had not cached was looked up by
 * hash before the failure limiter answered, so a flood of made-up keys,
 * even from an address already refused, cost the database a read each.
 * A key that cannot be one Leadline made is now refused without a lookup.
 */
describe("issue 21: malformed API keys cost no database read", () => {
  const db = useTestDatabase("issue21_malformed_keys");
  let proxy: FaultProxy;
  let api: RunningApi;
  let lastAddress = 0;
  const newAddress = () => `10.22.0.${++lastAddress}`;

  beforeAll(async () => {
    ({ proxy, api } = await startApiBehindProxy(db, {
      TRUST_PROXY: "1",
      AUTH_FAILURE_LIMIT: String(FAILURES_ALLOWED),
    }));
  });
  afterAll(async () => {
    await api?.close();
    await proxy?.stop();
  });

  const readCampaign = async (campaignId: string, apiKey: string, address: string) => {
    const response = await fetch(`${api.url}/api/v1/campaigns/${campaignId}`, {
      headers: { "x-api-key": apiKey, "X-Forwarded-For": address },
    });
    return { status: response.status, body: await response.json() };
  };

  it("counts a malformed key as a failure, answering as before, without querying api_keys", async () => {
    const { apiKey, campaignId } = await seedAccount(db.repos);
    const address = newAddress();
    const lookups = proxy.tallyRequestsWith(COLLECTION_NAMES.apiKeys);
    const malformed = [
      "ll_live_guess",
      `${apiKey}x`,
      apiKey.slice(0, -1),
      `ll_test_${apiKey.slice(8)}`,
      "x".repeat(500),
    ];

    const answers = [];
    for (let i = 0; i < 40; i++)
      answers.push(await readCampaign(campaignId, malformed[i % malformed.length]!, address));
    expect(answers.slice(0, FAILURES_ALLOWED)).toEqual(
      Array(FAILURES_ALLOWED).fill({ status: 401, body: { success: false, data: null, error: "Invalid API key" } }),
    );
    expect(answers.slice(FAILURES_ALLOWED).map(({ status }) => status)).toEqual(Array(40 - FAILURES_ALLOWED).fill(429));
    expect(lookups.count).toBe(0);

    // A key of the right shape still needs its lookup: the one it has, and a valid one is served.
    expect((await readCampaign(campaignId, generateApiKey(), newAddress())).status).toBe(401);
    expect(lookups.count).toBe(1);
    expect((await readCampaign(campaignId, apiKey, address)).status).toBe(200);
    expect(lookups.count).toBe(2);
  });
});
