import { initTRPC } from "@trpc/server";
import type { OpenApiMeta } from "trpc-to-openapi";
import type { Context } from "./context.ts";
import { toAppError, toTrpcError } from "./failure.ts";

const t = initTRPC
  .context<Context>()
  .meta<OpenApiMeta>()
  .create({
    // Same message and issues as the REST envelope; `data.code` and
    // `data.httpStatus` stay, since @trpc/client reads them.
    errorFormatter({ shape, error }) {
      const appError = toAppError(error);
      return {
        ...shape,
        message: appError.message,
        data: { ...shape.data, stack: undefined, errorCode: appError.code, issues: appError.issues ?? null },
      };
    },
  });

export const router = t.router;
export const middleware = t.middleware;
export const createCallerFactory = t.createCallerFactory;

/**
 * Every procedure starts here: whatever a handler throws is classified once
 * and leaves as the TRPCError our error table assigns to it, the AppError
 * as its cause.
 */
export const publicProcedure = t.procedure.use(async ({ next }) => {
  const result = await next();
  if (!result.ok) return { ...result, error: toTrpcError(result.error) };
  return result;
});
