import { COLLECTION_NAMES } from "./collections.ts";
import type { MongoConnection } from "./connect.ts";

/**
 * Where rate-limiter-flexible's Mongo limiters keep their counters: its
 * `storeClient`, `dbName` and `tableName` options. The client is opaque
 * outside this package, so the API layer needs no driver types.
 */
export interface RateLimitStore {
  readonly storeClient: unknown;
  readonly dbName: string;
  readonly tableName: string;
}

/** The store of every API process over `connection`: one shared collection, so one budget per key. */
export function rateLimitStore(connection: {
  client: MongoConnection["client"];
  db: Pick<MongoConnection["db"], "databaseName">;
}): RateLimitStore {
  return { storeClient: connection.client, dbName: connection.db.databaseName, tableName: COLLECTION_NAMES.rateLimits };
}
