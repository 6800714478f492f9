import { describe, expect, it, vi } from "vitest";
import { AppError } from "@leadline/core";
import { ObjectId, hashApiKey, type ApiKeyDoc, type Repositories } from "@leadline/db";
import { RateLimiterMemory } from "rate-limiter-flexible";
import { createApiCaches, createContext, type ApiDeps } from "../context.ts";
import type { Limiters } from "../rate-limit/limiters.ts";
import { authenticate } from "./authenticate.ts";

const VALID_KEY = "ll_live_valid-key-for-the-unit-tests-abc";
const FAILURES_ALLOWED = 3;

/** Real in-memory limiters and a key store of one key, with the limiter's reads counted. */
function setup() {
  const keyDoc: ApiKeyDoc = {
    _id: new ObjectId(),
    accountId: new ObjectId(),
    keyHash: hashApiKey(VALID_KEY),
    displayPrefix: "ll_live_vali",
    name: "unit",
    scopes: ["read", "write"],
    createdAt: new Date(),
  };
  const authFailures = new RateLimiterMemory({ points: FAILURES_ALLOWED, duration: 60 });
  const limiterReads = vi.spyOn(authFailures, "get");
  const limiterWrites = vi.spyOn(authFailures, "consume");
  const keyLookups = vi.fn(async (keyHash: string) => (keyHash === keyDoc.keyHash ? keyDoc : null));
  const deps = {
    repos: { apiKeys: { findActiveByHash: keyLookups } } as unknown as Repositories,
    limiters: {
      settings: { authFailurePoints: FAILURES_ALLOWED, authFailureWindowSeconds: 60 },
      authFailures,
    } as unknown as Limiters,
    log: { info: () => {}, warn: () => {}, error: () => {} },
    caches: createApiCaches({ apiKeyTtlMs: 60_000 }),
    metrics: { countLeads: () => undefined },
    zones: { zonesOf: () => [] },
    idempotency: { ttlMs: 60_000, leaseMs: 60_000 },
    webhooks: { allowHosts: [], allowPrivate: false, maxPerAccount: 20 },
    campaigns: { maxPerAccount: 1000 },
  } satisfies ApiDeps;
  const request = (apiKey: string | undefined, clientAddress = "203.0.113.7") =>
    authenticate(
      createContext(deps, { apiKey, clientAddress, requestId: "unit", setHeader: () => undefined }),
      "write",
    ).then(
      () => 200,
      (error: unknown) => (error instanceof AppError ? error.httpStatus : 500),
    );
  return { request, limiterReads, limiterWrites, keyLookups };
}

describe("authenticate and the auth-failure limiter", () => {
  it("issue 9: a cached valid key costs no database round trip", async () => {
    const { request, keyLookups } = setup();
    expect([await request(VALID_KEY), await request(VALID_KEY), await request(VALID_KEY)]).toEqual([200, 200, 200]);
    expect(keyLookups).toHaveBeenCalledTimes(1);
  });

  it("issue 21: a valid key never touches the failure limiter, cached or not", async () => {
    const { request, limiterReads, limiterWrites } = setup();
    expect([await request(VALID_KEY), await request(VALID_KEY)]).toEqual([200, 200]);
    expect(limiterReads).not.toHaveBeenCalled();
    expect(limiterWrites).not.toHaveBeenCalled();
  });

  it("issue 21: serves a valid key from an address over its failure budget, and still refuses its bad keys", async () => {
    const { request } = setup();
    const guesses = [];
    for (let i = 0; i <= FAILURES_ALLOWED; i++) guesses.push(await request(`ll_live_guess-${i}`));
    expect(guesses).toEqual([401, 401, 401, 429]);
    expect(await request(VALID_KEY)).toBe(200);
    expect(await request(VALID_KEY)).toBe(200);
    expect(await request(`ll_live_guess-again`)).toBe(429);
    expect(await request(undefined)).toBe(429);
    expect(await request(`ll_live_guess-0`, "198.51.100.1")).toBe(401);
  });

  it("issue 21: refuses a key of the wrong shape without looking it up, counting it as a failure", async () => {
    const { request, keyLookups, limiterWrites } = setup();
    expect([
      await request("ll_live_guess"),
      await request(`${VALID_KEY}x`),
      await request(VALID_KEY.slice(0, -1)),
    ]).toEqual([401, 401, 401]);
    expect(keyLookups).not.toHaveBeenCalled();
    expect(limiterWrites).toHaveBeenCalledTimes(3);
  });

  it("answers an address it has seen go over budget without asking the limiter again", async () => {
    const { request, limiterWrites } = setup();
    for (let i = 0; i < FAILURES_ALLOWED; i++) await request(`ll_live_guess-${i}`);
    const writesBefore = limiterWrites.mock.calls.length;
    expect([await request("ll_live_guess-x"), await request("ll_live_guess-y")]).toEqual([429, 429]);
    expect(limiterWrites.mock.calls.length).toBe(writesBefore);
  });
});
