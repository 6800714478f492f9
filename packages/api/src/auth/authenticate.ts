import { AppError, ERROR_CODES } from "@leadline/core";
import { hashApiKey, type ApiKeyDoc, type ApiKeyScope } from "@leadline/db";
import { RateLimiterRes } from "rate-limiter-flexible";
import type { Context } from "../context.ts";

export interface Principal {
  accountId: ApiKeyDoc["accountId"];
  keyId: ApiKeyDoc["_id"];
  scopes: ApiKeyScope[];
}

const MAX_KEY_LENGTH = 200;

async function refuseIfTooManyFailures(ctx: Context): Promise<void> {
  const { authFailures, settings } = ctx.deps.limiters;
  const record = await authFailures.get(ctx.clientAddress).catch(() => null);
  if (record && record.consumedPoints >= settings.authFailurePoints) {
    const retryAfter = Math.max(1, Math.ceil(record.msBeforeNext / 1000));
    throw new AppError(
      ERROR_CODES.RATE_LIMITED,
      `Too many failed authentication attempts; retry after ${retryAfter} seconds`,
      {
        headers: { "Retry-After": String(retryAfter) },
      },
    );
  }
}

async function recordFailure(ctx: Context): Promise<void> {
  // Counting is best effort: a full budget only matters on the next attempt.
  await ctx.deps.limiters.authFailures.consume(ctx.clientAddress).catch((rejection: unknown) => {
    if (!(rejection instanceof RateLimiterRes))
      ctx.deps.log.warn({ err: rejection }, "could not count a failed authentication");
  });
}

async function findKey(ctx: Context, keyHash: string): Promise<ApiKeyDoc | null> {
  const cache = ctx.deps.caches.apiKeysByHash;
  const cached = cache.get(keyHash);
  if (cached) return cached;
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
  await refuseIfTooManyFailures(ctx);
  const key = ctx.apiKey?.trim();
  if (!key) {
    await recordFailure(ctx);
    throw new AppError(ERROR_CODES.UNAUTHENTICATED, "Missing API key: send it in the x-api-key header");
  }
  const doc = key.length <= MAX_KEY_LENGTH ? await findKey(ctx, hashApiKey(key)) : null;
  if (!doc) {
    await recordFailure(ctx);
    throw new AppError(ERROR_CODES.UNAUTHENTICATED, "Invalid API key");
  }
  if (!doc.scopes.includes(scope)) {
    throw new AppError(ERROR_CODES.FORBIDDEN, `This API key lacks the "${scope}" scope`);
  }
  return { accountId: doc.accountId, keyId: doc._id, scopes: doc.scopes };
}
