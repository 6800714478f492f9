import type { RateLimitStore } from "@leadline/db";
import { RateLimiterMemory, RateLimiterMongo } from "rate-limiter-flexible";

export interface LimiterSettings {
  /** Bulk requests allowed per account per window. */
  bulkPoints: number;
  bulkWindowSeconds: number;
  /** Writes outside the bulk endpoint (see write-budget.ts) allowed per account per window. */
  writePoints: number;
  writeWindowSeconds: number;
  /** Failed authentications allowed per client address per window. */
  authFailurePoints: number;
  authFailureWindowSeconds: number;
}

export interface Limiters {
  settings: LimiterSettings;
  bulk: RateLimiterMongo;
  writes: RateLimiterMongo;
  authFailures: RateLimiterMongo;
}

/**
 * Limiters kept in MongoDB, so every API process shares one budget. If the
 * store fails, an in-process limiter with the same budget takes over: calls
 * stay limited instead of failing open or failing outright.
 */
export function createLimiters(store: RateLimitStore, settings: LimiterSettings): Limiters {
  // Indexes are created, awaited, at start-up (ensureIndexes); the limiters must not race to make their own.
  const common = { ...store, disableIndexesCreation: true };
  return {
    settings,
    bulk: new RateLimiterMongo({
      ...common,
      keyPrefix: "bulk",
      points: settings.bulkPoints,
      duration: settings.bulkWindowSeconds,
      insuranceLimiter: new RateLimiterMemory({ points: settings.bulkPoints, duration: settings.bulkWindowSeconds }),
    }),
    writes: new RateLimiterMongo({
      ...common,
      keyPrefix: "writes",
      points: settings.writePoints,
      duration: settings.writeWindowSeconds,
      insuranceLimiter: new RateLimiterMemory({ points: settings.writePoints, duration: settings.writeWindowSeconds }),
    }),
    authFailures: new RateLimiterMongo({
      ...common,
      keyPrefix: "authfail",
      points: settings.authFailurePoints,
      duration: settings.authFailureWindowSeconds,
      insuranceLimiter: new RateLimiterMemory({
        points: settings.authFailurePoints,
        duration: settings.authFailureWindowSeconds,
      }),
    }),
  };
}
