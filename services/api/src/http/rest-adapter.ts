import { REST_BASE_PATH, appRouter, createContext, type ApiDeps } from "@leadline/api";
import type { IncomingMessage, ServerResponse } from "node:http";
import { createOpenApiNodeHttpHandler } from "trpc-to-openapi";
import { CapturedResponse } from "./captured-response.ts";
import { assertJsonContentType, parseJsonBody, readBodyText } from "./read-json-body.ts";
import { requestInfoFor } from "./request-info.ts";
import { sendFailure, sendJsonText } from "./send.ts";
import type { HttpOptions, RequestHandler } from "./types.ts";

const BODY_METHODS = new Set(["POST", "PUT", "PATCH"]);

/**
 * The public REST paths (`/api/v1/*`), served by trpc-to-openapi over the
 * same router as `/trpc`. This file is the only one that knows the adapter:
 * it reads and checks the body itself (so charset parameters, malformed JSON
 * and oversized bodies get proper 4xx answers), hands the parsed body over,
 * and rewrites the answer into the documented `{ success, data, error }`
 * envelope.
 */
export function createRestHandler(deps: ApiDeps, options: HttpOptions): RequestHandler {
  const errors = new WeakMap<IncomingMessage, unknown>();
  const handleOpenApi = createOpenApiNodeHttpHandler({
    router: appRouter,
    createContext: ({ req, res }) => createContext(deps, requestInfoFor(req, res, options)),
    onError: ({ error, req }) => errors.set(req, error),
    maxBodySize: options.maxBodyBytes,
  });

  return async (req, res) => {
    try {
      if (BODY_METHODS.has(req.method ?? "")) {
        assertJsonContentType(req);
        const body = parseJsonBody(await readBodyText(req, options.maxBodyBytes));
        Object.assign(req, { body });
        // The adapter only accepts the bare media type; the charset was checked above.
        req.headers["content-type"] = "application/json";
      }
      req.url = req.url?.slice(REST_BASE_PATH.length) || "/";
      const captured = new CapturedResponse(res);
      await handleOpenApi(req, captured as unknown as ServerResponse);
      const error = errors.get(req);
      if (error !== undefined) {
        const failure = sendFailure(res, error);
        if (failure.isServerFault) options.onServerFault(error, req);
        return;
      }
      // The adapter's body is already our success envelope: pass it on as it is.
      sendJsonText(res, captured.statusCode, captured.body ?? "null");
    } catch (error) {
      const failure = sendFailure(res, error);
      if (failure.isServerFault) options.onServerFault(error, req);
    }
  };
}
