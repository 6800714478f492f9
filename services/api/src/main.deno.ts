// Deno entry: the only file of this service that touches the Deno namespace.
import { deno, embeddedDatabaseUri, exitOnStopSignal, type DenoNamespace } from "@leadline/deno-entry";
import { parseApiConfig } from "./env.ts";
import { createLogger } from "./logger.ts";
import { createApiService } from "./service.ts";

const denoNamespace: DenoNamespace = deno();
const config = parseApiConfig(denoNamespace.env.toObject());
const log = createLogger(config.logLevel);
const mongoUri = config.mongoUri ?? (await embeddedDatabaseUri());
if (!mongoUri) {
  log.fatal("MONGODB_URI is not set and no `pnpm start` embedded database is running: set MONGODB_URI");
  denoNamespace.exit(1);
}

const runtime = { readFile: (url: URL) => denoNamespace.readFile(url) };
const service = await createApiService({ ...config, mongoUri }, log, runtime).catch((error: unknown) => {
  log.fatal({ err: error }, "could not start");
  denoNamespace.exit(1);
});
const server = denoNamespace.serve(
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

exitOnStopSignal(async (signal) => {
  log.info({ signal }, "shutting down: finishing in-flight requests");
  const timeout = new Promise((resolve) => setTimeout(resolve, config.shutdownTimeoutMs));
  await Promise.race([server.shutdown(), timeout]);
  await service.close();
  log.info("stopped");
});
