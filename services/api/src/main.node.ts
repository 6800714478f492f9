// Node entry: finds the database (an embedded one in development when MONGODB_URI is not set),
// serves the app, and shuts down on signals.
import { MONGODB_URI_REQUIRED } from "@leadline/core";
import type { RunningMongo } from "@leadline/embedded-mongo";
import { startApi } from "./adapter/node/start-api.ts";
import { parseApiConfig } from "./env.ts";
import { createLogger } from "./logger.ts";

const config = (() => {
  try {
    return parseApiConfig(process.env);
  } catch (error) {
    // One line that names the variable, not a stack trace.
    console.error(JSON.stringify({ level: "fatal", msg: error instanceof Error ? error.message : String(error) }));
    process.exit(1);
  }
})();
const log = createLogger(config.logLevel, { pretty: Boolean(process.stdout.isTTY) && !config.production });

if (!config.mongoUri && config.production) {
  log.fatal(MONGODB_URI_REQUIRED);
  process.exit(1);
}

let embedded: (RunningMongo & { forget(): void }) | undefined;
let mongoUri = config.mongoUri;
if (!mongoUri) {
  log.warn("MONGODB_URI is not set: starting a throwaway embedded database. DATA WILL NOT PERSIST across restarts.");
  // Loaded only here, so that a deployment with MONGODB_URI never loads the embedded database's code.
  const { startEmbeddedMongo, recordEmbeddedDatabase, forgetEmbeddedDatabase } = await import(
    "@leadline/embedded-mongo"
  );
  const started = await startEmbeddedMongo({ warn: (message) => log.warn(message) });
  embedded = { ...started, forget: forgetEmbeddedDatabase };
  mongoUri = started.uri;
  recordEmbeddedDatabase(mongoUri);
  log.warn({ database: started.kind, uri: mongoUri }, "embedded database started; set MONGODB_URI to keep your data");
}

const api = await startApi({ ...config, mongoUri }, log).catch(async (error: unknown) => {
  log.fatal({ err: error }, "could not start");
  await embedded?.stop();
  process.exit(1);
});
log.info(
  { url: api.url, openapi: `${api.url}/api/v1/openapi.json`, docs: `${api.url}/docs` },
  "leadline api listening",
);

async function shutdown(signal: string) {
  log.info({ signal }, "shutting down: finishing in-flight requests");
  await api.close();
  if (embedded) {
    embedded.forget();
    await embedded.stop();
  }
  log.info("stopped");
  process.exit(0);
}
process.once("SIGTERM", () => void shutdown("SIGTERM"));
process.once("SIGINT", () => void shutdown("SIGINT"));
