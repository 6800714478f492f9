import type { ApiKeyScope } from "@leadline/db";
import { authenticate } from "../auth/authenticate.ts";
import { publicProcedure } from "../trpc.ts";

/** A procedure that needs an API key carrying `scope`; adds `ctx.principal`. */
export const scopedProcedure = (scope: ApiKeyScope) =>
  publicProcedure.use(async ({ ctx, next }) => {
    const principal = await authenticate(ctx, scope);
    return next({ ctx: { principal } });
  });

export const readProcedure = scopedProcedure("read");
export const writeProcedure = scopedProcedure("write");
