import { appRouter, createContext, toAppError, toTrpcError, type ApiDeps } from "@leadline/api";
import type { AppError } from "@leadline/core";
import { fetchRequestHandler } from "@trpc/server/adapters/fetch";
import { getErrorShape } from "@trpc/server/unstable-core-do-not-import";
import { assertJsonContentType, readBodyText } from "./request-body.ts";
import { requestInfoFor } from "./request-info.ts";
import type { RequestScope, RouteResult } from "./route-result.ts";

export const TRPC_BASE_PATH = "/trpc";

/**
 * A refusal made before tRPC runs (media type, body size), in tRPC's own
 * error shape so that typed clients read it as they read any other error:
 * same status and message as REST.
 */
function refusedBeforeTrpc(error: AppError, url: URL): RouteResult {
  const paths = decodeURIComponent(url.pathname.slice(TRPC_BASE_PATH.length + 1)).split(",");
  const shapeFor = (path: string) => ({
    error: getErrorShape({
      config: appRouter._def._config,
      error: toTrpcError(error),
      type: "unknown",
      path,
      input: undefined,
      ctx: undefined,
    }),
  });
  const body = url.searchParams.get("batch") ? paths.map(shapeFor) : shapeFor(paths[0] ?? "");
  return { status: error.httpStatus, json: JSON.stringify(body) };
}

/**
 * `/trpc/*` for typed internal clients: same router, context and error table
 * as REST, and the same checks of the body. tRPC writes its own error shape
 * (its client reads it); the classified failure is handed to `onFailure`
 * for the log, once.
 */
export function createTrpcHandler(
  deps: ApiDeps,
  options: { maxBodyBytes: number; onFailure(error: unknown, scope: RequestScope): void },
) {
  return async (request: Request, url: URL, scope: RequestScope): Promise<RouteResult> => {
    let forwarded = request;
    if (request.method === "POST") {
      try {
        assertJsonContentType(request.headers);
        const body = await readBodyText(request, options.maxBodyBytes);
        forwarded = new Request(request.url, { method: "POST", headers: request.headers, body, signal: request.signal });
      } catch (error) {
        const appError = toAppError(error);
        for (const [name, value] of Object.entries(appError.headers ?? {})) scope.headers.set(name, value);
        return refusedBeforeTrpc(appError, url);
      }
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
