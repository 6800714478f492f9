// Node entry: the only file of this service that touches Node's process API.
import { createServer } from "node:http";
import { startFailureLine, workerDatabaseUri } from "@leadline/core";
import { parseDispatcherConfig } from "./config.ts";
import { methodNotAllowed } from "./metrics-endpoint.ts";
import { runWorker } from "./run-worker.ts";

// In development, the embedded database of a running `pnpm start`; its code is loaded only then.
const database = await workerDatabaseUri(process.env, async () =>
  (await import("@leadline/embedded-mongo")).findEmbeddedDatabase(),
);
if ("refused" in database) {
  console.error(JSON.stringify({ level: "fatal", msg: database.refused }));
  process.exit(1);
}

const { config, worker } = await (async () => {
  const config = parseDispatcherConfig({ ...process.env, MONGODB_URI: database.uri });
  return { config, worker: await runWorker(config) };
})().catch((error: unknown) => {
  console.error(startFailureLine(error));
  process.exit(1);
});
const { handleMetricsRequest } = worker;
const metricsServer =
  handleMetricsRequest === undefined
    ? undefined
    : createServer((req, res) => {
        // Nothing is read from the body: the URL and method are the whole request.
        req.resume();
        void Promise.resolve()
          .then(() => {
            let request: Request;
            try {
              request = new Request(`http://metrics${req.url ?? "/"}`, { method: req.method });
            } catch {
              // fetch forbids some methods (TRACE, CONNECT): no Request for the handler to refuse, so its answer here.
              return methodNotAllowed();
            }
            return handleMetricsRequest(request);
          })
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
