import type { DispatcherMetrics } from "./prometheus-metrics.ts";

/** A fetch-style handler: the Node and Deno entry files serve it on METRICS_PORT. */
export type MetricsHandler = (request: Request) => Promise<Response>;

const json = (status: number, body: object) =>
  new Response(JSON.stringify(body), { status, headers: { "Content-Type": "application/json; charset=utf-8" } });

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
    if (request.method !== "GET" && request.method !== "HEAD") return json(405, { error: "Use GET" });
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
