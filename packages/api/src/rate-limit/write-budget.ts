import type { Context } from "../context.ts";
import { consumeAccountBudget } from "./bulk-budget.ts";

/**
 * The procedures whose every call takes one from the account's write budget:
 * the writes outside the bulk endpoint (which has a budget of its own) that
 * a loop or a tRPC batch could otherwise repeat without bound.
 */
export const WRITE_BUDGET_PROCEDURES: ReadonlySet<string> = new Set([
  "leads.create",
  "campaigns.create",
  "suppressions.add",
  "suppressions.remove",
]);

/**
 * Takes one write from the account's budget (WRITE_RATE_LIMIT per
 * WRITE_RATE_WINDOW_SECONDS, shared by every API process through MongoDB);
 * over budget, fails with 429 and `Retry-After`.
 */
export function consumeWriteBudget(ctx: Context, accountId: string): Promise<void> {
  const { writes, settings } = ctx.deps.limiters;
  return consumeAccountBudget(ctx, accountId, {
    limiter: writes,
    limit: settings.writePoints,
    exceededMessage: `Rate limit exceeded: ${settings.writePoints} writes (single leads, campaigns, suppression changes) per ${settings.writeWindowSeconds} seconds`,
  });
}
