import { AppError, ERROR_CODES } from "@leadline/core";
import { hashApiKey, isWellFormedApiKey, type ApiKeyDoc, type ApiKeyScope } from "@leadline/db";
import { RateLimiterRes } from "rate-limiter-flexible";
import type { Context } from "../context.ts";

/** Who is calling: the account an API key belongs to, and what the key may do. */
export interface Principal {
  accountId: ApiKeyDoc["accountId"];
  scopes: ApiKeyScope[];
}

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

/**
 * Counts one failed authentication against `ctx.clientAddress` and throws
 * 429 once the address is over budget. An address this process already saw
 * go over budget is refused without a store write, so a flood of bad keys
 * costs the shared store nothing more.
 */
async function countFailure(ctx: Context): Promise<void> {
  const until = ctx.deps.caches.blockedAddresses.get(ctx.clientAddress);
  if (until !== undefined && until > Date.now()) throw tooManyFailures(until - Date.now());
  const { authFailures, settings } = ctx.deps.limiters;
  const res = await authFailures.consume(ctx.clientAddress).catch((rejection: unknown) => {
    if (rejection instanceof RateLimiterRes) return rejection;
    // Counting is best effort: the insurance limiter normally answers when the store fails.
    ctx.deps.log.warn({ err: rejection }, "could not count a failed authentication");
    return undefined;
  });
  if (!res || res.consumedPoints < settings.authFailurePoints) return;
  // The last failure in budget still answers 401; the next ones here are refused without the store.
  rememberBlocked(ctx, res.msBeforeNext);
  if (res.consumedPoints > settings.authFailurePoints) throw tooManyFailures(res.msBeforeNext);
}

/**
 * The active key for `key`, or null. A valid key never touches the failure
 * limiter: keys are 192 random bits, so refusing a correct one protects
 * nothing, while a shared address (NAT, a local proxy) would let one client's
 * bad keys lock every other client out. A key of the wrong shape is refused
 * before any lookup, so a flood of made-up keys costs the database nothing.
 */
async function findKey(ctx: Context, key: string | undefined): Promise<ApiKeyDoc | null> {
  if (!key || !isWellFormedApiKey(key)) return null;
  const keyHash = hashApiKey(key);
  const cache = ctx.deps.caches.apiKeysByHash;
  const cached = cache.get(keyHash);
  if (cached) return cached;
  const doc = await ctx.deps.repos.apiKeys.findActiveByHash(keyHash);
  if (doc) cache.set(keyHash, doc);
  return doc;
}

/**
 * Resolves `x-api-key` to its account and checks the scope: 401 for a
 * missing, unknown or revoked key, 403 for a key without `scope`. Only
 * failures are limited: an address past its failure budget gets 429 for
 * every further bad key, while a key that checks out is always served.
 */
export async function authenticate(ctx: Context, scope: ApiKeyScope): Promise<Principal> {
  const key = ctx.apiKey?.trim();
  const doc = await findKey(ctx, key);
  if (!doc) {
    await countFailure(ctx);
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
