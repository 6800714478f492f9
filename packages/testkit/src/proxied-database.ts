import { connectMongo, ensureIndexes, type MongoConnection } from "@leadline/db";
import { FaultProxy } from "./fault-proxy.ts";

export interface ProxiedDatabase {
  proxy: FaultProxy;
  connection: MongoConnection;
  /** Restores the proxy, drops the database, closes the client and the proxy. */
  close(): Promise<void>;
}

/**
 * A database reached through a {@link FaultProxy}, indexed like production,
 * with a short server-selection timeout so that a cut shows within 0.5 s.
 */
export async function connectThroughFaultProxy(mongoUri: string, dbName: string): Promise<ProxiedDatabase> {
  const proxy = FaultProxy.forMongoUri(mongoUri);
  await proxy.start();
  const connection = await connectMongo(proxy.rewrite(mongoUri), { dbName, serverSelectionTimeoutMS: 500 });
  await ensureIndexes(connection.db);
  return {
    proxy,
    connection,
    close: async () => {
      await proxy.restore();
      await connection.db.dropDatabase().catch(() => undefined);
      await connection.close();
      await proxy.stop();
    },
  };
}
