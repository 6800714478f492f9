import { AppError, ERROR_CODES } from "@leadline/core";
import { hashApiKey, type ApiKeyDoc, type ApiKeyScope } from "@leadline/db";
import { RateLimiterRes } from "rate-limiter-flexible";
import type { Context } from "../context.ts";

/** Who is calling: the account an API key belongs to, and what the key may do. */
export interface Principal {
  accountId: ApiKeyDoc["accountId"];
  scopes: ApiKeyScope[];
}

const MAX_KEY_LENGTH = 200;

function tooManyFailures(msBeforeNext: number): AppError {
  const retryAfter = Math.max(1, Math.ceil(msBeforeNext / 1000));
  return new AppError(
    ERROR_CODES.RATE_LIMITED,
    `Too many failed authentication attempts; retry after ${retryAfter} seconds`,
    {
      headers: { "Retry-After": String(retryAfter) },
    },
  );
}

/** Notes locally that `ctx.clientAddress` is over budget until `msBeforeNext` from now. */
function rememberBlocked(ctx: Context, msBeforeNext: number): void {
  ctx.deps.caches.blockedAddresses.set(ctx.clientAddress, Date.now() + msBeforeNext);
}

/** Refuses an address this process has already seen go over budget: no database read. */
function refuseIfKnownBlocked(ctx: Context): void {
  const until = ctx.deps.caches.blockedAddresses.get(ctx.clientAddress);
  if (until !== undefined && until > Date.now()) throw tooManyFailures(until - Date.now());
}

/** Refuses an address over budget in the shared store (one database read). */
async function refuseIfTooManyFailures(ctx: Context): Promise<void> {
  refuseIfKnownBlocked(ctx);
  const { authFailures, settings } = ctx.deps.limiters;
  const record = await authFailures.get(ctx.clientAddress).catch(() => null);
  if (record && record.consumedPoints >= settings.authFailurePoints) {
    rememberBlocked(ctx, record.msBeforeNext);
    throw tooManyFailures(record.msBeforeNext);
  }
}

async function recordFailure(ctx: Context): Promise<void> {
  const { authFailures, settings } = ctx.deps.limiters;
  // Counting is best effort: a full budget only matters on the next attempt.
  await authFailures.consume(ctx.clientAddress).then(
    (res) => {
      if (res.consumedPoints >= settings.authFailurePoints) rememberBlocked(ctx, res.msBeforeNext);
    },
    (rejection: unknown) => {
      if (rejection instanceof RateLimiterRes) rememberBlocked(ctx, rejection.msBeforeNext);
      else ctx.deps.log.warn({ err: rejection }, "could not count a failed authentication");
    },
  );
}

/**
 * The active key for `key`, or null, reading the failure budget only where
 * it decides something.
 *
 * A key in this process's cache is answered without the store, so a valid
 * key pays no round trip per request; it is still refused when this process
 * has seen the address go over budget. Every other key (missing, unknown,
 * or valid but not cached yet) reads the budget before the lookup: an
 * address over budget gets 429 whether its guess is right or wrong, so its
 * answers never tell it that a guess hit. What is left open, an address
 * blocked only by other processes using a key cached here, needs the key
 * itself (192 random bits), not a guess.
 */
async function findKey(ctx: Context, key: string | undefined): Promise<ApiKeyDoc | null> {
  const keyHash = key && key.length <= MAX_KEY_LENGTH ? hashApiKey(key) : undefined;
  const cache = ctx.deps.caches.apiKeysByHash;
  const cached = keyHash ? cache.get(keyHash) : undefined;
  if (cached) {
    refuseIfKnownBlocked(ctx);
    return cached;
  }
  await refuseIfTooManyFailures(ctx);
  if (!keyHash) return null;
  const doc = await ctx.deps.repos.apiKeys.findActiveByHash(keyHash);
  if (doc) cache.set(keyHash, doc);
  return doc;
}

/**
 * Resolves `x-api-key` to its account and checks the scope: 401 for a
 * missing, unknown or revoked key, 403 for a key without `scope`. Addresses
 * that fail too often get 429 before their key is even looked up.
 */
export async function authenticate(ctx: Context, scope: ApiKeyScope): Promise<Principal> {
  const key = ctx.apiKey?.trim();
  const doc = await findKey(ctx, key);
  if (!doc) {
    await recordFailure(ctx);
    throw new AppError(
      ERROR_CODES.UNAUTHENTICATED,
      key ? "Invalid API key" : "Missing API key: send it in the x-api-key header",
    );
  }
  if (!doc.scopes.includes(scope)) {
    throw new AppError(ERROR_CODES.FORBIDDEN, `This API key lacks the "${scope}" scope`);
  }
  return { accountId: doc.accountId, scopes: doc.scopes };
}
