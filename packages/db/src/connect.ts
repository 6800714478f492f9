import { MongoClient, type Db } from "mongodb";

export interface MongoConnection {
  client: MongoClient;
  db: Db;
  close(): Promise<void>;
}

const DEFAULT_DB_NAME = "leadline";

/**
 * Connects to `uri`. The database is `dbName` when given, else the one named
 * in the URI's path, else "leadline". The explicit argument wins so that a
 * caller (a test, a script given `MONGODB_DB`) can pick a database without
 * rewriting the URI.
 */
export async function connectMongo(
  uri: string,
  options: { dbName?: string; appName?: string; serverSelectionTimeoutMS?: number } = {},
): Promise<MongoConnection> {
  const client = new MongoClient(uri, {
    appName: options.appName ?? "leadline",
    serverSelectionTimeoutMS: options.serverSelectionTimeoutMS ?? 10_000,
  });
  await client.connect();
  const db = client.db(options.dbName ?? databaseNameFromUri(uri) ?? DEFAULT_DB_NAME);
  return { client, db, close: () => client.close() };
}

function databaseNameFromUri(uri: string): string | undefined {
  const match = /^mongodb(?:\+srv)?:\/\/[^/]+\/([^?]+)/.exec(uri);
  return match?.[1] ? decodeURIComponent(match[1]) : undefined;
}
