import { connectMongo, createCampaignRepository, createDispatchQueue, getCollections } from "@leadline/db";
import type { DispatcherConfig } from "./config.ts";
import { Dispatcher } from "./dispatcher.ts";
import { EligibleCampaigns } from "./eligible-campaigns.ts";
import { createWorkerLogger } from "./logger.ts";

export interface RunningWorker {
  dispatcher: Dispatcher;
  /** Graceful stop: in-flight hand-offs finish, then the database client closes. */
  stop(): Promise<void>;
}

/** Connects and starts dispatching; the runtime entry files wire signals to `stop`. */
export async function runWorker(config: DispatcherConfig): Promise<RunningWorker> {
  const log = createWorkerLogger(config.logLevel, { service: "leadline-dispatcher", workerId: config.workerId });
  const connection = await connectMongo(config.mongoUri, {
    dbName: config.mongoDbName,
    appName: "leadline-dispatcher",
    onReconnect: (stalled) => log.warn(stalled, "database client reconnected: a server heartbeat never settled"),
  });
  const collections = getCollections(connection.db);
  const dispatcher = new Dispatcher(
    config,
    createDispatchQueue(collections),
    new EligibleCampaigns(createCampaignRepository(collections), config.campaignRefreshMs),
    log,
  );
  dispatcher.start();
  let stopping: Promise<void> | undefined;
  return {
    dispatcher,
    stop: () =>
      (stopping ??= (async () => {
        await dispatcher.stop();
        await connection.close();
      })()),
  };
}
