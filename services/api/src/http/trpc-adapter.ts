import { appRouter, createContext, toAppError, toTrpcError, type ApiDeps } from "@leadline/api";
import { AppError, ERROR_CODES } from "@leadline/core";
import { fetchRequestHandler } from "@trpc/server/adapters/fetch";
import { getErrorShape } from "@trpc/server/unstable-core-do-not-import";
import {
  MAX_BODY_NESTING,
  assertJsonContentType,
  jsonTextNestsDeeperThan,
  nestsTooDeep,
  readBodyText,
} from "./request-body.ts";
import { requestInfoFor } from "./request-info.ts";
import type { RequestScope, RouteResult } from "./route-result.ts";

export const TRPC_BASE_PATH = "/trpc";
/** The one route label of every batch of more than one call, whatever it holds. */
export const TRPC_BATCH_ROUTE = `${TRPC_BASE_PATH} (batch)`;

/**
 * The route label of a tRPC request for metrics and logs, from a fixed set:
 * a known procedure's path for a single call, one label for any batch, the
 * base path for anything else. Each label value is a series kept for ever,
 * so nothing a caller writes in the URL may become one.
 */
export function trpcRouteLabel(paths: readonly string[] | undefined): string {
  if (paths?.length === 1 && Object.hasOwn(appRouter._def.procedures, paths[0]!))
    return `${TRPC_BASE_PATH}/${paths[0]}`;
  return paths && paths.length > 1 ? TRPC_BATCH_ROUTE : TRPC_BASE_PATH;
}

/** The procedure paths a tRPC URL names, decoded as tRPC decodes them (a malformed escape is left as it is: tRPC refuses it). */
function callPathsOf(url: URL, batch: boolean): string[] {
  const raw = url.pathname.slice(TRPC_BASE_PATH.length + 1);
  let path = raw;
  try {
    path = decodeURIComponent(raw);
  } catch {
    // tRPC answers a malformed escape with its own 400.
  }
  return batch ? path.split(",") : [path];
}

/**
 * A refusal made before tRPC runs (batch size, media type, body size and
 * depth), in tRPC's own error shape so that typed clients read it as they
 * read any other error: same status and message as REST. `perCall: false`
 * answers one shape for the whole batch (tRPC's client reads it for every call).
 */
function refusedBeforeTrpc(error: AppError, paths: string[], batch: boolean, perCall = true): RouteResult {
  const shapeFor = (path: string | undefined) => ({
    error: getErrorShape({
      config: appRouter._def._config,
      error: toTrpcError(error),
      type: "unknown",
      path,
      input: undefined,
      ctx: undefined,
    }),
  });
  const body = batch && perCall ? paths.map(shapeFor) : shapeFor(batch ? undefined : paths[0]);
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
  options: { maxBodyBytes: number; maxBatch: number; onFailure(error: unknown, scope: RequestScope): void },
) {
  return async (request: Request, url: URL, scope: RequestScope): Promise<RouteResult> => {
    const batch = url.searchParams.get("batch") === "1";
    const paths = callPathsOf(url, batch);
    scope.route = trpcRouteLabel(paths);
    if (batch && paths.length > options.maxBatch) {
      // Refused whole and before anything runs: a batch multiplies the work one request may ask for.
      const error = new AppError(
        ERROR_CODES.VALIDATION_FAILED,
        `Maximum ${options.maxBatch} calls per tRPC batch; this batch has ${paths.length}`,
      );
      return refusedBeforeTrpc(error, paths, batch, false);
    }
    // A batch's inputs sit one level down, under their call's index.
    const maxDepth = MAX_BODY_NESTING + (batch ? 1 : 0);
    let forwarded = request;
    try {
      if (request.method === "POST") {
        assertJsonContentType(request.headers);
        const body = await readBodyText(request, options.maxBodyBytes);
        // tRPC parses the body itself; what it hands on (to the Idempotency-Key fingerprint, to zod) recurses.
        if (jsonTextNestsDeeperThan(body, maxDepth)) throw nestsTooDeep("Request body");
        forwarded = new Request(request.url, {
          method: "POST",
          headers: request.headers,
          body,
          signal: request.signal,
        });
      } else if (jsonTextNestsDeeperThan(url.searchParams.get("input") ?? "", maxDepth)) {
        throw nestsTooDeep("Query input");
      }
    } catch (error) {
      const appError = toAppError(error);
      for (const [name, value] of Object.entries(appError.headers ?? {})) scope.headers.set(name, value);
      return refusedBeforeTrpc(appError, paths, batch);
    }
    const response = await fetchRequestHandler({
      endpoint: TRPC_BASE_PATH,
      req: forwarded,
      router: appRouter,
      // A second guard behind the check above, in case tRPC ever reads a batch from the request differently.
      maxBatchSize: options.maxBatch,
      createContext: ({ req }) => createContext(deps, requestInfoFor(req, scope, scope.headers)),
      responseMeta: ({ errors, paths: called }) => {
        scope.route = trpcRouteLabel(called);
        return errors[0] ? { headers: toAppError(errors[0]).headers ?? {} } : {};
      },
      onError: ({ error }) => options.onFailure(error, scope),
    });
    return { response };
  };
}
