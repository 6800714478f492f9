import { AppError, ERROR_CODES } from "@leadline/core";
import { RateLimiterRes, type RateLimiterAbstract } from "rate-limiter-flexible";
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

/** One per-account budget: its limiter, its size, and what a refusal says before "; retry after N seconds". */
export interface AccountBudget {
  limiter: RateLimiterAbstract;
  limit: number;
  exceededMessage: string;
}

/**
 * Takes one request from an account's budget and reports what is left in
 * the response headers; over budget, fails with 429 and `Retry-After`.
 */
export async function consumeAccountBudget(ctx: Context, accountId: string, budget: AccountBudget): Promise<void> {
  try {
    const res = await budget.limiter.consume(accountId);
    for (const [name, value] of Object.entries(budgetHeaders(budget.limit, res))) ctx.setHeader(name, value);
  } catch (rejection) {
    if (!(rejection instanceof RateLimiterRes)) throw rejection;
    const retryAfter = Math.max(1, Math.ceil(rejection.msBeforeNext / 1000));
    throw new AppError(ERROR_CODES.RATE_LIMITED, `${budget.exceededMessage}; retry after ${retryAfter} seconds`, {
      headers: { ...budgetHeaders(budget.limit, rejection), "Retry-After": String(retryAfter) },
    });
  }
}

/**
 * Takes one bulk request from the account's budget and reports what is left
 * in the response headers; over budget, fails with 429 and `Retry-After`.
 */
export function consumeBulkBudget(ctx: Context, accountId: string): Promise<void> {
  const { bulk, settings } = ctx.deps.limiters;
  return consumeAccountBudget(ctx, accountId, {
    limiter: bulk,
    limit: settings.bulkPoints,
    exceededMessage: `Rate limit exceeded: ${settings.bulkPoints} bulk requests per ${settings.bulkWindowSeconds} seconds`,
  });
}
