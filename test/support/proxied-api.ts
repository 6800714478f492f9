import { startApiOn, type RunningApi } from "@leadline/api-service";
import { FaultProxy } from "@leadline/testkit";
import type { TestDatabase } from "./database.ts";

export interface ProxiedApi {
  proxy: FaultProxy;
  api: RunningApi;
}

/**
 * An API service in this process whose database sits behind a
 * {@link FaultProxy}, configured by `env` as the real process would be.
 */
export async function startApiBehindProxy(db: TestDatabase, env: Record<string, string>): Promise<ProxiedApi> {
  const proxy = FaultProxy.forMongoUri(db.uri);
  await proxy.start();
  const api = await startApiOn({ uri: proxy.rewrite(db.uri), dbName: db.dbName }, env);
  return { proxy, api };
}
