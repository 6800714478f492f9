// Deno entry: the only file of this service that touches the Deno namespace.
import { EMBEDDED_DATABASE_RECORD, parseEmbeddedDatabaseRecord } from "@leadline/embedded-mongo/database-record";
import { parseDispatcherConfig } from "./config.ts";
import { runWorker } from "./run-worker.ts";

declare const Deno: {
  env: { toObject(): Record<string, string> };
  readTextFile(path: string | URL): Promise<string>;
  addSignalListener(signal: "SIGTERM" | "SIGINT", handler: () => void): void;
  exit(code: number): never;
  serve(
    options: { port: number; hostname: string; onListen?(address: { port: number }): void },
    handler: (request: Request) => Promise<Response>,
  ): { shutdown(): Promise<void> };
};

/** The embedded database of a running `pnpm start`, as it records it. */
async function embeddedDatabaseUri(): Promise<string | undefined> {
  const text = await Deno.readTextFile(EMBEDDED_DATABASE_RECORD).catch(() => "");
  return parseEmbeddedDatabaseRecord(text)?.uri;
}

const env = Deno.env.toObject();
const config = parseDispatcherConfig({ ...env, MONGODB_URI: env.MONGODB_URI || (await embeddedDatabaseUri()) });
const worker = await runWorker(config);
const metricsServer =
  worker.handleMetricsRequest === undefined
    ? undefined
    : Deno.serve(
        {
          port: config.metricsPort ?? 0,
          hostname: config.metricsHost,
          onListen: ({ port }) =>
            worker.log.info({ host: config.metricsHost, port, paths: ["/metrics", "/healthz"] }, "metrics listening"),
        },
        worker.handleMetricsRequest,
      );
for (const signal of ["SIGTERM", "SIGINT"] as const) {
  Deno.addSignalListener(signal, () => {
    void metricsServer?.shutdown();
    void worker.stop().then(() => Deno.exit(0));
  });
}
