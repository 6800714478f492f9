import { appRouter, createContext, toAppError, type ApiDeps } from "@leadline/api";
import { fetchRequestHandler } from "@trpc/server/adapters/fetch";
import { readBodyText } from "./request-body.ts";
import { requestInfoFor } from "./request-info.ts";
import type { RequestScope, RouteResult } from "./route-result.ts";

export const TRPC_BASE_PATH = "/trpc";

/**
 * `/trpc/*` for typed internal clients: same router, context and error table
 * as REST. tRPC writes its own error shape (its client reads it); the
 * classified failure is handed to `onFailure` for the log, once.
 */
export function createTrpcHandler(
  deps: ApiDeps,
  options: { maxBodyBytes: number; onFailure(error: unknown, scope: RequestScope): void },
) {
  return async (request: Request, scope: RequestScope): Promise<RouteResult> => {
    let forwarded = request;
    if (request.method === "POST") {
      // Read here so that the body limit and its message are the same on both paths.
      const body = await readBodyText(request, options.maxBodyBytes);
      forwarded = new Request(request.url, { method: "POST", headers: request.headers, body, signal: request.signal });
    }
    const response = await fetchRequestHandler({
      endpoint: TRPC_BASE_PATH,
      req: forwarded,
      router: appRouter,
      createContext: ({ req }) => createContext(deps, requestInfoFor(req, scope, scope.headers)),
      responseMeta: ({ errors, paths }) => {
        // Only known procedures become labels: a caller must not mint new ones.
        const known = paths?.filter((path) => path in appRouter._def.procedures) ?? [];
        if (known.length > 0) scope.route = `${TRPC_BASE_PATH}/${known.join(",")}`;
        return errors[0] ? { headers: toAppError(errors[0]).headers ?? {} } : {};
      },
      onError: ({ error }) => options.onFailure(error, scope),
    });
    return { response };
  };
}
