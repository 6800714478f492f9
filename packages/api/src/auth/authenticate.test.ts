import { describe, expect, it, vi } from "vitest";
import { AppError } from "@leadline/core";
import { ObjectId, hashApiKey, type ApiKeyDoc, type Repositories } from "@leadline/db";
import { RateLimiterMemory } from "rate-limiter-flexible";
import { createApiCaches, createContext, type ApiDeps } from "../context.ts";
import type { Limiters } from "../rate-limit/limiters.ts";
import { authenticate } from "./authenticate.ts";

const VALID_KEY = "ll_live_valid-key-for-unit-tests";
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
  return { request, limiterReads, keyLookups };
}

describe("authenticate and the auth-failure limiter", () => {
  it("issue 9: a cached valid key costs no limiter read (no database round trip)", async () => {
    const { request, limiterReads, keyLookups } = setup();
    expect([await request(VALID_KEY), await request(VALID_KEY), await request(VALID_KEY)]).toEqual([200, 200, 200]);
    expect(keyLookups).toHaveBeenCalledTimes(1);
    expect(limiterReads).toHaveBeenCalledTimes(1);
  });

  it("refuses an address over its failure budget even when it then guesses a valid key", async () => {
    const { request } = setup();
    const guesses = [];
    for (let i = 0; i < FAILURES_ALLOWED; i++) guesses.push(await request(`ll_live_guess-${i}`));
    expect(guesses).toEqual([401, 401, 401]);
    expect(await request(VALID_KEY)).toBe(429);
    expect(await request(undefined)).toBe(429);
    expect(await request(VALID_KEY, "198.51.100.1")).toBe(200);
  });

  it("refuses an address over its budget even for a key another caller has just had cached", async () => {
    const { request, limiterReads } = setup();
    expect(await request(VALID_KEY, "198.51.100.1")).toBe(200);
    for (let i = 0; i < FAILURES_ALLOWED; i++) await request(`ll_live_guess-${i}`);
    const readsBefore = limiterReads.mock.calls.length;
    expect(await request(VALID_KEY)).toBe(429);
    expect(await request(VALID_KEY, "198.51.100.1")).toBe(200);
    expect(limiterReads.mock.calls.length).toBe(readsBefore);
  });
});
