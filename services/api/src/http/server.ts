import { REST_BASE_PATH, buildOpenApiDocument, describeFailure, type ApiDeps } from "@leadline/api";
import { AppError, ERROR_CODES } from "@leadline/core";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { Logger } from "pino";
import { requestIdOf } from "./request-info.ts";
import { createRestHandler } from "./rest-adapter.ts";
import { sendFailure, sendJson } from "./send.ts";
import { TRPC_BASE_PATH, createTrpcHandler } from "./trpc-adapter.ts";
import type { HttpOptions } from "./types.ts";

export interface HttpServerOptions {
  maxBodyBytes: number;
  trustProxy: boolean;
  requestTimeoutMs: number;
  headersTimeoutMs: number;
  /** Resolves true when the database answers. */
  checkDatabase(): Promise<boolean>;
}

const isUnder = (path: string, base: string) => path === base || path.startsWith(`${base}/`);

/** The HTTP front door: health, the OpenAPI document, REST and tRPC. */
export function createHttpServer(deps: ApiDeps, log: Logger, options: HttpServerOptions): Server {
  const httpOptions: HttpOptions = {
    maxBodyBytes: options.maxBodyBytes,
    trustProxy: options.trustProxy,
    onServerFault: (error, req) => {
      const fields = { err: error, requestId: requestIdOf(req), method: req.method, path: req.url };
      // An unreachable database shows in /healthz; one warning per request rather than an error storm.
      if (describeFailure(error).httpStatus === 503) log.warn(fields, "database unavailable: answered 503");
      else log.error(fields, "request failed on our side");
    },
  };
  const openApiJson = JSON.stringify(buildOpenApiDocument({ serverUrl: REST_BASE_PATH }));
  const rest = createRestHandler(deps, httpOptions);
  const trpc = createTrpcHandler(deps, httpOptions);

  async function route(req: IncomingMessage, res: ServerResponse, path: string): Promise<void> {
    if (path === "/healthz" && (req.method === "GET" || req.method === "HEAD")) {
      const healthy = await options.checkDatabase();
      sendJson(res, healthy ? 200 : 503, {
        status: healthy ? "ok" : "unavailable",
        database: healthy ? "up" : "down",
      });
      return;
    }
    if (path === `${REST_BASE_PATH}/openapi.json` && req.method === "GET") {
      res.writeHead(200, { "Content-Type": "application/json; charset=utf-8" });
      res.end(openApiJson);
      return;
    }
    if (isUnder(path, TRPC_BASE_PATH)) return trpc(req, res);
    if (isUnder(path, REST_BASE_PATH)) return rest(req, res);
    sendFailure(res, new AppError(ERROR_CODES.NOT_FOUND, `No such endpoint: ${req.method} ${path}`));
  }

  const server = createServer(
    {
      requestTimeout: options.requestTimeoutMs,
      headersTimeout: options.headersTimeoutMs,
      // Node checks those timeouts only this often (30 s by default), so a trickling client would get far more time.
      connectionsCheckingInterval: Math.max(250, Math.min(5_000, Math.floor(options.headersTimeoutMs / 4))),
    },
    (req, res) => {
      const started = performance.now();
      const requestId = requestIdOf(req);
      res.setHeader("X-Request-Id", requestId);
      const path = new URL(req.url ?? "/", "http://localhost").pathname;
      res.once("finish", () => {
        log.info(
          {
            requestId,
            method: req.method,
            path,
            status: res.statusCode,
            durationMs: Math.round(performance.now() - started),
          },
          "request",
        );
      });
      route(req, res, path).catch((error: unknown) => {
        log.error({ err: error, requestId }, "unhandled error while routing");
        sendFailure(res, error);
      });
    },
  );
  server.keepAliveTimeout = 5_000;
  return server;
}
