// Deno entry: the only file of this service that touches the Deno namespace.
import { EMBEDDED_DATABASE_RECORD, parseEmbeddedDatabaseRecord } from "@leadline/embedded-mongo/database-record";
import { parseApiConfig } from "./env.ts";
import { createLogger } from "./logger.ts";
import { createApiService } from "./service.ts";

declare const Deno: {
  env: { toObject(): Record<string, string> };
  readTextFile(path: string | URL): Promise<string>;
  readFile(path: string | URL): Promise<Uint8Array>;
  addSignalListener(signal: "SIGTERM" | "SIGINT", handler: () => void): void;
  exit(code: number): never;
  serve(
    options: { port: number; hostname: string; onListen?(address: { hostname: string; port: number }): void },
    handler: (request: Request, info: { remoteAddr: { hostname: string } }) => Promise<Response>,
  ): { finished: Promise<void>; shutdown(): Promise<void> };
};

/** The embedded database of a running `pnpm start`, as it records it. */
async function embeddedDatabaseUri(): Promise<string | undefined> {
  const text = await Deno.readTextFile(EMBEDDED_DATABASE_RECORD).catch(() => "");
  return parseEmbeddedDatabaseRecord(text)?.uri;
}

const config = parseApiConfig(Deno.env.toObject());
const log = createLogger(config.logLevel);
const mongoUri = config.mongoUri ?? (await embeddedDatabaseUri());
if (!mongoUri) {
  log.fatal("MONGODB_URI is not set and no `pnpm start` embedded database is running: set MONGODB_URI");
  Deno.exit(1);
}

const runtime = { readFile: (url: URL) => Deno.readFile(url) };
const service = await createApiService({ ...config, mongoUri }, log, runtime).catch((error: unknown) => {
  log.fatal({ err: error }, "could not start");
  Deno.exit(1);
});
const server = Deno.serve(
  {
    port: config.port,
    hostname: config.host,
    onListen: ({ hostname, port }) => {
      const host = hostname.includes(":") ? `[${hostname}]` : hostname;
      const url = `http://${host}:${port}`;
      log.info({ url, openapi: `${url}/api/v1/openapi.json`, runtime: "deno" }, "leadline api listening");
    },
  },
  (request, info) => service.fetch(request, { remoteAddress: info.remoteAddr.hostname }),
);

let stopping = false;
async function shutdown(signal: string) {
  if (stopping) return;
  stopping = true;
  log.info({ signal }, "shutting down: finishing in-flight requests");
  const timeout = new Promise((resolve) => setTimeout(resolve, config.shutdownTimeoutMs));
  await Promise.race([server.shutdown(), timeout]);
  await service.close();
  log.info("stopped");
  Deno.exit(0);
}
for (const signal of ["SIGTERM", "SIGINT"] as const) Deno.addSignalListener(signal, () => void shutdown(signal));
