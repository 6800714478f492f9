import type { ApiKeyScope } from "@leadline/db";
import { authenticate } from "../auth/authenticate.ts";
import { runIdempotently } from "../idempotency/idempotent-posts.ts";
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
export const writeProcedure = scopedProcedure("write");
