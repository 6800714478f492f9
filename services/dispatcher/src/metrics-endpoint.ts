import type { DispatcherMetrics } from "./prometheus-metrics.ts";

/** A fetch-style handler: the Node and Deno entry files serve it on METRICS_PORT. */
export type MetricsHandler = (request: Request) => Promise<Response>;

/** The methods the metrics server answers; any other gets 405. */
export const METRICS_METHODS: readonly string[] = ["GET", "HEAD"];

const json = (status: number, body: object, headers: Record<string, string> = {}) =>
  new Response(JSON.stringify(body), {
    status,
    headers: { "Content-Type": "application/json; charset=utf-8", ...headers },
  });

/** The answer to any method but GET and HEAD, from the handler or from an entry file that cannot build a Request. */
export const methodNotAllowed = (): Response => json(405, { error: "Use GET" }, { Allow: METRICS_METHODS.join(", ") });

/**
 * `GET /metrics` for Prometheus and `GET /healthz` for an orchestrator:
 * healthy while the worker runs and its database answers.
 */
export function createMetricsHandler(
  metrics: DispatcherMetrics,
  health: { stopping(): boolean; checkDatabase(): Promise<boolean> },
): MetricsHandler {
  return async (request) => {
    const { pathname } = new URL(request.url);
    if (!METRICS_METHODS.includes(request.method)) return methodNotAllowed();
    if (pathname === "/metrics") {
      const { contentType, text } = await metrics.scrape();
      return new Response(text, { status: 200, headers: { "Content-Type": contentType } });
    }
    if (pathname === "/healthz") {
      if (health.stopping()) return json(503, { status: "stopping" });
      const up = await health.checkDatabase();
      return json(up ? 200 : 503, { status: up ? "ok" : "unavailable", database: up ? "up" : "down" });
    }
    return json(404, { error: `No such endpoint: ${pathname}` });
  };
}
