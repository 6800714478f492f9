import {
  REPLAYED_HEADER,
  REST_BASE_PATH,
  createContext,
  importErrorReport,
  startImport,
  type ApiDeps,
  type ImportLimits,
} from "@leadline/api";
import { AppError, ERROR_CODES } from "@leadline/core";
import { jsonResponse } from "./failure-response.ts";
import { requestInfoFor } from "./request-info.ts";
import type { RequestScope, RouteResult } from "./route-result.ts";

const UPLOAD = /^\/campaigns\/(?<campaignId>[^/]+)\/imports$/i;
const ERROR_REPORT = /^\/imports\/(?<importId>[^/]+)\/errors$/i;

const decode = (segment: string | undefined) => {
  try {
    return decodeURIComponent(segment ?? "");
  } catch {
    return segment ?? "";
  }
};

/**
 * The two import operations whose bodies are not JSON, so they cannot go
 * through the REST adapter: the raw upload (streamed into GridFS as it
 * arrives) and the CSV error report (streamed out). Answers undefined for
 * any other request; failures go to the app's one failure path like every
 * other route's.
 */
export function createImportRoutes(deps: ApiDeps, limits: ImportLimits) {
  return (request: Request, url: URL, scope: RequestScope): Promise<RouteResult> | undefined => {
    const path = url.pathname.slice(REST_BASE_PATH.length);
    const context = () => createContext(deps, requestInfoFor(request, scope, scope.headers));

    const upload = UPLOAD.exec(path);
    if (upload && request.method === "POST") {
      scope.route = `${REST_BASE_PATH}/campaigns/{campaignId}/imports`;
      return (async () => {
        const declared = Number(request.headers.get("content-length") ?? Number.NaN);
        const { view, replayed } = await startImport(
          context(),
          {
            campaignId: decode(upload.groups?.campaignId),
            contentType: request.headers.get("content-type"),
            declaredLength: Number.isFinite(declared) ? declared : undefined,
            query: Object.fromEntries(url.searchParams),
            body: request.body,
          },
          limits,
        );
        scope.headers.set("Location", `${REST_BASE_PATH}/imports/${view.id}`);
        if (replayed) scope.headers.set(REPLAYED_HEADER, "true");
        const json = JSON.stringify({ success: true, data: view, error: null });
        return { response: jsonResponse(202, json, scope.headers) };
      })();
    }

    const report = ERROR_REPORT.exec(path);
    if (report) {
      scope.route = `${REST_BASE_PATH}/imports/{importId}/errors`;
      if (request.method !== "GET") {
        throw new AppError(ERROR_CODES.METHOD_NOT_ALLOWED, `Method ${request.method} is not allowed here; use GET`, {
          headers: { Allow: "GET" },
        });
      }
      return (async () => {
        const body = await importErrorReport(context(), decode(report.groups?.importId));
        scope.headers.set("Content-Type", "text/csv; charset=utf-8");
        return { response: new Response(body, { status: 200, headers: scope.headers }) };
      })();
    }
    return undefined;
  };
}
