import { appRouter, createContext, describeFailure, type ApiDeps } from "@leadline/api";
import { nodeHTTPRequestHandler } from "@trpc/server/adapters/node-http";
import { readBodyText } from "./read-json-body.ts";
import { requestInfoFor } from "./request-info.ts";
import { sendFailure } from "./send.ts";
import type { HttpOptions, RequestHandler } from "./types.ts";

export const TRPC_BASE_PATH = "/trpc";

/** `/trpc/*` for typed internal clients: same router, context and error table as REST. */
export function createTrpcHandler(deps: ApiDeps, options: HttpOptions): RequestHandler {
  return async (req, res) => {
    try {
      if (req.method === "POST") {
        // Read here so the body limit is the same on both paths; tRPC parses the text.
        Object.assign(req, { body: await readBodyText(req, options.maxBodyBytes) });
      }
      const url = new URL(req.url ?? "/", "http://localhost");
      await nodeHTTPRequestHandler({
        router: appRouter,
        req,
        res,
        path: url.pathname.slice(TRPC_BASE_PATH.length + 1),
        createContext: ({ req: request, res: response }) =>
          createContext(deps, requestInfoFor(request, response, options)),
        responseMeta: ({ errors }) => (errors[0] ? { headers: describeFailure(errors[0]).headers } : {}),
        onError: ({ error }) => {
          if (describeFailure(error).isServerFault) options.onServerFault(error, req);
        },
      });
    } catch (error) {
      const failure = sendFailure(res, error);
      if (failure.isServerFault) options.onServerFault(error, req);
    }
  };
}
