import { MongoClient, type Db } from "mongodb";
import { checkDatabaseAtStartup, type StartupCheck } from "./db-check/startup-check.ts";
import { watchHeartbeats } from "./heartbeat-watchdog.ts";

export interface MongoConnection {
  client: MongoClient;
  db: Db;
  close(): Promise<void>;
}

const DEFAULT_DB_NAME = "leadline";

/**
 * Sockets to the database open and answer their first `hello` within this,
 * or fail. It also bounds how long a stuck heartbeat can keep the client
 * down (see `watchHeartbeats`): twice this plus about two seconds. The
 * driver's default, 30 s, would leave it down for over a minute.
 */
export const DEFAULT_CONNECT_TIMEOUT_MS = 3_000;

/**
 * Connects to `uri` and keeps the client recovering from outages: a
 * heartbeat that never settles (a driver fault) gets the client reconnected
 * in place.
 *
 * The database is `dbName` when given, else the one named in the URI's path,
 * else "leadline". The explicit argument wins so that a caller (a test, a
 * script given `MONGODB_DB`) can pick a database without rewriting the URI.
 *
 * With `startupCheck` enabled (the services pass `DB_CHECK`), it first runs
 * the quick form of `pnpm db:check` in scratch collections and rejects with a
 * `DatabaseCheckError` naming each behaviour the server gets wrong.
 */
export async function connectMongo(
  uri: string,
  options: {
    dbName?: string;
    appName?: string;
    serverSelectionTimeoutMS?: number;
    connectTimeoutMS?: number;
    onReconnect?: (stalled: { address: string; outstandingMs: number }) => void;
    startupCheck?: StartupCheck;
  } = {},
): Promise<MongoConnection> {
  const client = new MongoClient(uri, {
    appName: options.appName ?? "leadline",
    serverSelectionTimeoutMS: options.serverSelectionTimeoutMS ?? 10_000,
    connectTimeoutMS: options.connectTimeoutMS ?? DEFAULT_CONNECT_TIMEOUT_MS,
  });
  await client.connect();
  const db = client.db(options.dbName ?? databaseNameFromUri(uri) ?? DEFAULT_DB_NAME);
  if (options.startupCheck) {
    await checkDatabaseAtStartup(client, db, options.startupCheck).catch(async (error: unknown) => {
      await client.close();
      throw error;
    });
  }
  const watchdog = watchHeartbeats(client, { onReconnect: options.onReconnect });
  return {
    client,
    db,
    close: async () => {
      const stopped = watchdog.stop();
      // Closing first ends a reconnect that is waiting for the server;
      // closing again catches a topology it opened meanwhile.
      await client.close();
      await stopped;
      await client.close();
    },
  };
}

function databaseNameFromUri(uri: string): string | undefined {
  const match = /^mongodb(?:\+srv)?:\/\/[^/]+\/([^?]+)/.exec(uri);
  return match?.[1] ? decodeURIComponent(match[1]) : undefined;
}
