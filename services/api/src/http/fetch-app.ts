import {
  REST_BASE_PATH,
  buildOpenApiDocument,
  isServerFault,
  toAppError,
  type ApiDeps,
  type ImportLimits,
} from "@leadline/api";
import { AppError, ERROR_CODES } from "@leadline/core";
import type { Logger } from "pino";
import type { ApiMetrics } from "../api-metrics.ts";
import { DOCS_PATH, DOCS_SCRIPT_PATH, createDocsRoutes, type ReadFile } from "./docs-page.ts";
import { failureResponse, jsonResponse } from "./failure-response.ts";
import { assertMetricsAccess } from "./metrics-access.ts";
import { createImportRoutes } from "./import-routes.ts";
import { clientAddressOf, requestIdOf } from "./request-info.ts";
import { createRestHandler } from "./rest-adapter.ts";
import type { RequestScope, RouteResult } from "./route-result.ts";
import { TRPC_BASE_PATH, createTrpcHandler } from "./trpc-adapter.ts";

export interface AppOptions {
  maxBodyBytes: number;
  /** TRPC_MAX_BATCH: calls one tRPC batch may hold; a larger one is refused whole. */
  trpcMaxBatch: number;
  /** METRICS_TOKEN: when set, `/metrics` wants it as a bearer token. */
  metricsToken?: string;
  /** Limits of raw-body import uploads, which bypass `maxBodyBytes`. */
  imports: ImportLimits;
  /** How many proxies of your own stand in front (0: use the peer address, ignore X-Forwarded-For). */
  trustedProxyHops: number;
  /** Resolves true when the database answers. */
  checkDatabase(): Promise<boolean>;
  /** This instance's registry: the edge reports every answered request to it, `/metrics` reads it. */
  metrics: ApiMetrics;
  /** How the runtime reads the docs page's script from the installed package. */
  readFile: ReadFile;
}

/** What the runtime knows of the connection that a web Request does not carry. */
export interface ConnectionInfo {
  remoteAddress: string;
}

/** The whole service as one function from a web Request to a Response; Node and Deno only serve it. */
export type FetchApp = (request: Request, connection: ConnectionInfo) => Promise<Response>;

const isUnder = (path: string, base: string) => path === base || path.startsWith(`${base}/`);

/**
 * Health, the OpenAPI document, REST and tRPC behind one function. A failure
 * becomes a response here and only here: classified once, logged when it is
 * ours, written as the documented envelope.
 */
export function createFetchApp(deps: ApiDeps, log: Logger, options: AppOptions): FetchApp {
  // Built on the first request for it and kept (see buildOpenApiDocument); a failed build is tried again.
  let openApiJson: Promise<string> | undefined;
  const openApiText = () =>
    (openApiJson ??= buildOpenApiDocument({ serverUrl: REST_BASE_PATH }).then(
      (document) => JSON.stringify(document),
      (error: unknown) => {
        openApiJson = undefined;
        throw error;
      },
    ));
  const rest = createRestHandler(deps, options.maxBodyBytes);
  const trpc = createTrpcHandler(deps, {
    maxBodyBytes: options.maxBodyBytes,
    maxBatch: options.trpcMaxBatch,
    onFailure: (error, scope) => report(toAppError(error), scope),
  });
  const imports = createImportRoutes(deps, options.imports);
  const docs = createDocsRoutes(options.readFile);
  // Pages for people and scrapers, outside the API and its OpenAPI document.
  const pages = new Map<string, (request: Request) => RouteResult | Promise<RouteResult>>([
    ["/", () => ({ response: new Response(null, { status: 302, headers: { Location: DOCS_PATH } }) })],
    [DOCS_PATH, () => docs.page()],
    [DOCS_SCRIPT_PATH, (request) => docs.script(request)],
    [
      "/metrics",
      async (request) => {
        assertMetricsAccess(request.headers, options.metricsToken);
        const { contentType, text } = await options.metrics.scrape();
        return { response: new Response(text, { status: 200, headers: { "Content-Type": contentType } }) };
      },
    ],
  ]);

  function report(error: AppError, scope: RequestScope): void {
    if (!isServerFault(error)) return;
    const fields = { err: error.cause ?? error, requestId: scope.requestId, route: scope.route };
    // An unreachable database shows in /healthz; one warning per request rather than an error storm.
    if (error.httpStatus === 503) log.warn(fields, "database unavailable: answered 503");
    else log.error(fields, "request failed on our side");
  }

  async function route(request: Request, url: URL, scope: RequestScope): Promise<RouteResult> {
    const path = url.pathname;
    const page = pages.get(path);
    if (page && (request.method === "GET" || request.method === "HEAD")) {
      scope.route = path;
      return page(request);
    }
    if (path === "/healthz" && (request.method === "GET" || request.method === "HEAD")) {
      scope.route = "/healthz";
      const healthy = await options.checkDatabase();
      const body = { status: healthy ? "ok" : "unavailable", database: healthy ? "up" : "down" };
      return { status: healthy ? 200 : 503, json: JSON.stringify(body) };
    }
    if (path === `${REST_BASE_PATH}/openapi.json` && request.method === "GET") {
      scope.route = path;
      return { status: 200, json: await openApiText() };
    }
    if (isUnder(path, TRPC_BASE_PATH)) {
      scope.route = TRPC_BASE_PATH;
      return trpc(request, url, scope);
    }
    if (isUnder(path, REST_BASE_PATH)) {
      const importRoute = imports(request, url, scope);
      if (importRoute) return importRoute;
      scope.route = REST_BASE_PATH;
      return rest(request, url, scope);
    }
    throw new AppError(ERROR_CODES.NOT_FOUND, `No such endpoint: ${request.method} ${path}`);
  }

  return async (request, connection) => {
    const started = performance.now();
    const url = new URL(request.url);
    const scope: RequestScope = {
      requestId: requestIdOf(request.headers),
      clientAddress: clientAddressOf(request.headers, connection.remoteAddress, options.trustedProxyHops),
      headers: new Headers(),
      route: "unmatched",
    };
    scope.headers.set("X-Request-Id", scope.requestId);
    let response: Response;
    try {
      const result = await route(request, url, scope);
      if ("response" in result) {
        response = result.response;
        for (const [name, value] of scope.headers) response.headers.set(name, value);
      } else {
        response = jsonResponse(result.status, result.json, scope.headers);
      }
    } catch (error) {
      const appError = toAppError(error);
      report(appError, scope);
      response = failureResponse(appError, scope.headers);
    }
    const seconds = (performance.now() - started) / 1000;
    options.metrics.requestAnswered({ route: scope.route, method: request.method, status: response.status, seconds });
    log.info(
      {
        requestId: scope.requestId,
        method: request.method,
        path: url.pathname,
        route: scope.route,
        status: response.status,
        durationMs: Math.round(seconds * 1000),
      },
      "request",
    );
    return response;
  };
}
