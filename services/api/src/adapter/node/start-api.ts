import { readFile } from "node:fs/promises";
import type { Server } from "node:http";
import pino, { type Logger } from "pino";
import { parseApiConfig, type ApiConfig } from "../../env.ts";
import { createApiService } from "../../service.ts";
import { serveNode } from "./serve-node.ts";

export interface RunningApi {
  server: Server;
  /** Base URL the service listens on, e.g. http://127.0.0.1:3000. */
  url: string;
  /** Stops accepting, lets in-flight requests finish (up to the shutdown timeout), closes the database. */
  close(): Promise<void>;
}

/** The API served by Node on `config.port`. The caller owns `mongoUri`'s server. */
export async function startApi(config: ApiConfig & { mongoUri: string }, log: Logger): Promise<RunningApi> {
  const service = await createApiService(config, log, { readFile: (url) => readFile(url) });
  const served = await serveNode(service.fetch, {
    ...config,
    onCrash: (error) => log.error({ err: error }, "unhandled error while serving a request"),
  }).catch(async (error: unknown) => {
    await service.close();
    throw error;
  });
  let closing: Promise<void> | undefined;
  const close = () =>
    (closing ??= (async () => {
      await served.close();
      await service.close();
    })());
  return { server: served.server, url: served.url, close };
}

/**
 * The API on a free port over a database the caller owns, configured by
 * environment-style settings exactly as in production: for tests and tools.
 */
export function startApiOn(
  database: { uri: string; dbName?: string },
  env: Record<string, string> = {},
  logLevel: "silent" | "warn" | "info" = "silent",
): Promise<RunningApi> {
  const config = parseApiConfig({ PORT: "0", ...env });
  return startApi({ ...config, mongoUri: database.uri, mongoDbName: database.dbName }, pino({ level: logLevel }));
}
