import { initTRPC } from "@trpc/server";
import type { OpenApiMeta } from "trpc-to-openapi";
import type { Context } from "./context.ts";
import { describeFailure, toTrpcError } from "./failure.ts";

const t = initTRPC
  .context<Context>()
  .meta<OpenApiMeta>()
  .create({
    // Same message and issues as the REST envelope; `data.code` and
    // `data.httpStatus` stay, since @trpc/client reads them.
    errorFormatter({ shape, error }) {
      const failure = describeFailure(error);
      return {
        ...shape,
        message: failure.message,
        data: { ...shape.data, stack: undefined, errorCode: failure.code, issues: failure.issues ?? null },
      };
    },
  });

export const router = t.router;
export const middleware = t.middleware;

/**
 * Every procedure starts here: whatever a handler throws leaves as the
 * TRPCError our error table assigns to it, with the cause kept for logs.
 */
export const publicProcedure = t.procedure.use(async ({ next }) => {
  const result = await next();
  if (!result.ok) return { ...result, error: toTrpcError(result.error) };
  return result;
});
