// Node entry: starts the embedded database when no MONGODB_URI is given, serves the app, shuts down on signals.
import {
  forgetEmbeddedDatabase,
  recordEmbeddedDatabase,
  startEmbeddedMongo,
  type RunningMongo,
} from "@leadline/embedded-mongo";
import { startApi } from "./adapter/node/start-api.ts";
import { parseApiConfig } from "./env.ts";
import { createLogger } from "./logger.ts";

const config = parseApiConfig(process.env);
const log = createLogger(config.logLevel);

let embedded: RunningMongo | undefined;
let mongoUri = config.mongoUri;
if (!mongoUri) {
  log.warn("MONGODB_URI is not set: starting a throwaway embedded database. DATA WILL NOT PERSIST across restarts.");
  embedded = await startEmbeddedMongo({ warn: (message) => log.warn(message) });
  mongoUri = embedded.uri;
  recordEmbeddedDatabase(mongoUri);
  log.warn({ database: embedded.kind, uri: mongoUri }, "embedded database started; set MONGODB_URI to keep your data");
}

const api = await startApi({ ...config, mongoUri }, log).catch(async (error: unknown) => {
  log.fatal({ err: error }, "could not start");
  await embedded?.stop();
  process.exit(1);
});
log.info({ url: api.url, openapi: `${api.url}/api/v1/openapi.json` }, "leadline api listening");

async function shutdown(signal: string) {
  log.info({ signal }, "shutting down: finishing in-flight requests");
  await api.close();
  if (embedded) {
    forgetEmbeddedDatabase();
    await embedded.stop();
  }
  log.info("stopped");
  process.exit(0);
}
process.once("SIGTERM", () => void shutdown("SIGTERM"));
process.once("SIGINT", () => void shutdown("SIGINT"));
