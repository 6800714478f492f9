import { AppError, ERROR_CODES } from "@leadline/core";
import { RateLimiterRes } from "rate-limiter-flexible";
import type { Context } from "../context.ts";

function budgetHeaders(limit: number, res: RateLimiterRes): Record<string, string> {
  const resetSeconds = Math.max(0, Math.ceil(res.msBeforeNext / 1000));
  const remaining = String(Math.max(0, res.remainingPoints));
  return {
    "RateLimit-Limit": String(limit),
    "RateLimit-Remaining": remaining,
    "RateLimit-Reset": String(resetSeconds),
    "X-RateLimit-Limit": String(limit),
    "X-RateLimit-Remaining": remaining,
    "X-RateLimit-Reset": String(Math.ceil(Date.now() / 1000) + resetSeconds),
  };
}

/**
 * Takes one bulk request from the account's budget and reports what is left
 * in the response headers; over budget, fails with 429 and `Retry-After`.
 */
export async function consumeBulkBudget(ctx: Context, accountId: string): Promise<void> {
  const { bulk, settings } = ctx.deps.limiters;
  try {
    const res = await bulk.consume(accountId);
    for (const [name, value] of Object.entries(budgetHeaders(settings.bulkPoints, res))) ctx.setHeader(name, value);
  } catch (rejection) {
    if (!(rejection instanceof RateLimiterRes)) throw rejection;
    const retryAfter = Math.max(1, Math.ceil(rejection.msBeforeNext / 1000));
    throw new AppError(
      ERROR_CODES.RATE_LIMITED,
      `Rate limit exceeded: ${settings.bulkPoints} bulk requests per ${settings.bulkWindowSeconds} seconds; retry after ${retryAfter} seconds`,
      { headers: { ...budgetHeaders(settings.bulkPoints, rejection), "Retry-After": String(retryAfter) } },
    );
  }
}
