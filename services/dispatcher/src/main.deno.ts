// Deno entry: the only file of this service that touches the Deno namespace.
import { deno, environmentWithDatabase, exitOnStopSignal, startOrExit } from "@leadline/deno-entry";
import { parseDispatcherConfig } from "./config.ts";
import { runWorker } from "./run-worker.ts";

const { config, worker } = await startOrExit(async () => {
  const config = parseDispatcherConfig(await environmentWithDatabase());
  return { config, worker: await runWorker(config) };
});
const metricsServer =
  worker.handleMetricsRequest === undefined
    ? undefined
    : deno().serve(
        {
          port: config.metricsPort ?? 0,
          hostname: config.metricsHost,
          onListen: ({ port }) =>
            worker.log.info({ host: config.metricsHost, port, paths: ["/metrics", "/healthz"] }, "metrics listening"),
        },
        worker.handleMetricsRequest,
      );
exitOnStopSignal(async () => {
  void metricsServer?.shutdown();
  await worker.stop();
});
