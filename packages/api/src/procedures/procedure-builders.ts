import type { ApiKeyScope } from "@leadline/db";
import { authenticate } from "../auth/authenticate.ts";
import { runIdempotently } from "../idempotency/idempotent-posts.ts";
import { consumeWriteBudget, spendsWriteBudget } from "../rate-limit/write-budget.ts";
import { publicProcedure } from "../trpc.ts";

/**
 * A procedure that needs an API key carrying `scope`; adds `ctx.principal`.
 * A POST among them honours `Idempotency-Key` (and adds
 * `ctx.createdByRequest`) before anything else it does, rate limits included.
 * Every mutation then spends the account's write budget, unless exempt (see
 * write-budget.ts): after the Idempotency-Key check (a replay spends
 * nothing) and before its input is read.
 */
export const scopedProcedure = (scope: ApiKeyScope) =>
  publicProcedure
    .use(async ({ ctx, next }) => {
      const principal = await authenticate(ctx, scope);
      return next({ ctx: { principal } });
    })
    .use((opts) => runIdempotently(opts, (ctx) => opts.next({ ctx })))
    .use(async ({ ctx, type, path, next }) => {
      if (spendsWriteBudget(type, path)) await consumeWriteBudget(ctx, ctx.principal.accountId.toHexString());
      return next();
    });

export const readProcedure = scopedProcedure("read");
/** A procedure that needs the `write` scope. */
export const writeProcedure = scopedProcedure("write");
