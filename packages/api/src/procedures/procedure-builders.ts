import type { ApiKeyScope } from "@leadline/db";
import { authenticate } from "../auth/authenticate.ts";
import { runIdempotently } from "../idempotency/idempotent-posts.ts";
import { WRITE_BUDGET_PROCEDURES, consumeWriteBudget } from "../rate-limit/write-budget.ts";
import { publicProcedure } from "../trpc.ts";

/**
 * A procedure that needs an API key carrying `scope`; adds `ctx.principal`.
 * A POST among them honours `Idempotency-Key` (and adds
 * `ctx.createdByRequest`) before anything else it does, rate limits included.
 */
export const scopedProcedure = (scope: ApiKeyScope) =>
  publicProcedure
    .use(async ({ ctx, next }) => {
      const principal = await authenticate(ctx, scope);
      return next({ ctx: { principal } });
    })
    .use((opts) => runIdempotently(opts, (ctx) => opts.next({ ctx })));

export const readProcedure = scopedProcedure("read");
/**
 * A procedure that needs the `write` scope. The ones in
 * WRITE_BUDGET_PROCEDURES also spend the account's write budget, after the
 * Idempotency-Key check (a replay spends nothing) and before their input is read.
 */
export const writeProcedure = scopedProcedure("write").use(async ({ ctx, path, next }) => {
  if (WRITE_BUDGET_PROCEDURES.has(path)) await consumeWriteBudget(ctx, ctx.principal.accountId.toHexString());
  return next();
});
