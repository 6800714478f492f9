import type { Context } from "../context.ts";
import { consumeAccountBudget } from "./bulk-budget.ts";

/**
 * The mutations that do not spend the account's write budget, each because
 * another bound already holds it. Every other mutation spends one per call,
 * so a new one is budgeted unless it is named here on purpose.
 * (The import upload is a route of its own, not a procedure: it has its
 * own limits on size, jobs in flight and stored bytes.)
 */
export const WRITE_BUDGET_EXEMPT: ReadonlyMap<string, string> = new Map([
  ["leads.bulkCreate", "the bulk budget (BULK_RATE_LIMIT)"],
  ["outcomes.report", "the dialer's, bounded by the hand-offs it was sent"],
]);

/** Whether a call of the procedure at `path`, of tRPC type `type`, spends the write budget. */
export function spendsWriteBudget(type: string, path: string): boolean {
  return type === "mutation" && !WRITE_BUDGET_EXEMPT.has(path);
}

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
    exceededMessage: `Rate limit exceeded: ${settings.writePoints} writes outside the bulk endpoint per ${settings.writeWindowSeconds} seconds`,
  });
}
