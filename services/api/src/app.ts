import { createApiCaches, createLimiters, type ApiDeps } from "@leadline/api";
import { connectMongo, createRepositories, ensureIndexes, type MongoConnection } from "@leadline/db";
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { Logger } from "pino";
import type { ApiConfig } from "./env.ts";
import { createHttpServer } from "./http/server.ts";

export interface RunningApi {
  server: Server;
  /** Base URL the service listens on, e.g. http://127.0.0.1:3000. */
  url: string;
  /** Stops accepting, lets in-flight requests finish (up to the shutdown timeout), closes the database. */
  close(): Promise<void>;
}

/** Connects, creates indexes, and listens. The caller owns `mongoUri`'s server. */
export async function startApi(config: ApiConfig & { mongoUri: string }, log: Logger): Promise<RunningApi> {
  const connection: MongoConnection = await connectMongo(config.mongoUri, {
    dbName: config.mongoDbName,
    appName: "leadline-api",
    serverSelectionTimeoutMS: config.mongoServerSelectionTimeoutMs,
    onReconnect: (stalled) => log.warn(stalled, "database client reconnected: a server heartbeat never settled"),
  });
  try {
    await ensureIndexes(connection.db);
  } catch (error) {
    await connection.close();
    throw error;
  }
  const deps: ApiDeps = {
    repos: createRepositories(connection.db),
    limiters: createLimiters(connection.client, connection.db.databaseName, config.limits),
    log,
    caches: createApiCaches({ apiKeyTtlMs: config.apiKeyCacheTtlMs }),
  };
  const server = createHttpServer(deps, log, {
    maxBodyBytes: config.maxBodyBytes,
    trustProxy: config.trustProxy,
    requestTimeoutMs: config.requestTimeoutMs,
    headersTimeoutMs: config.headersTimeoutMs,
    checkDatabase: () =>
      connection.db
        .command({ ping: 1 }, { timeoutMS: 2_000 })
        .then(() => true)
        .catch(() => false),
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(config.port, config.host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const host = config.host.includes(":") ? `[${config.host}]` : config.host;

  let closing: Promise<void> | undefined;
  const close = () =>
    (closing ??= (async () => {
      const drained = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      const timer = setTimeout(() => server.closeAllConnections(), config.shutdownTimeoutMs);
      await drained;
      clearTimeout(timer);
      await connection.close();
    })());

  return { server, url: `http://${host}:${port}`, close };
}
