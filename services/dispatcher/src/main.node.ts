// Node entry: the only file of this service that touches Node's process API.
import { createServer } from "node:http";
import { workerDatabaseUri } from "@leadline/core";
import { parseDispatcherConfig } from "./config.ts";
import { METRICS_METHODS } from "./metrics-endpoint.ts";
import { runWorker } from "./run-worker.ts";

// In development, the embedded database of a running `pnpm start`; its code is loaded only then.
const database = await workerDatabaseUri(process.env, async () =>
  (await import("@leadline/embedded-mongo")).findEmbeddedDatabase(),
);
if ("refused" in database) {
  console.error(JSON.stringify({ level: "fatal", msg: database.refused }));
  process.exit(1);
}

const config = parseDispatcherConfig({ ...process.env, MONGODB_URI: database.uri });
const worker = await runWorker(config);
const { handleMetricsRequest } = worker;
const metricsServer =
  handleMetricsRequest === undefined
    ? undefined
    : createServer((req, res) => {
        // Only GET and HEAD become a Request: fetch forbids some methods (TRACE), and a
        // constructor throwing here, outside any promise, would end the process.
        if (!METRICS_METHODS.includes(req.method ?? "")) {
          req.resume();
          res.writeHead(405, { Allow: METRICS_METHODS.join(", "), "Content-Type": "application/json; charset=utf-8" });
          res.end(JSON.stringify({ error: "Use GET" }));
          return;
        }
        // Nothing is read from a GET's body: the URL and method are the whole request.
        req.resume();
        void Promise.resolve()
          .then(() => handleMetricsRequest(new Request(`http://metrics${req.url ?? "/"}`, { method: req.method })))
          .then(async (response) => {
            res.writeHead(response.status, Object.fromEntries(response.headers));
            res.end(req.method === "HEAD" ? undefined : await response.text());
          })
          .catch((error: unknown) => {
            worker.log.error({ err: error }, "metrics request failed");
            if (!res.headersSent) res.writeHead(500);
            res.end();
          });
      })
        .once("error", (error) => {
          worker.log.error({ err: error }, "metrics server failed");
          process.exit(1);
        })
        .listen(config.metricsPort, config.metricsHost, () => {
          const address = metricsServer?.address();
          const port = typeof address === "object" && address ? address.port : config.metricsPort;
          worker.log.info({ host: config.metricsHost, port, paths: ["/metrics", "/healthz"] }, "metrics listening");
        });
for (const signal of ["SIGTERM", "SIGINT"] as const) {
  process.once(signal, () => {
    metricsServer?.close();
    void worker.stop().then(() => process.exit(0));
  });
}
