import {
  connectMongo,
  createCampaignRepository,
  createDispatchQueue,
  createHandOffReplays,
  getCollections,
} from "@leadline/db/dispatch";
import type { DispatcherConfig } from "./config.ts";
import { Dispatcher } from "./dispatcher.ts";
import { EligibleCampaigns } from "./eligible-campaigns.ts";
import { createWorkerLogger, type WorkerLogger } from "./logger.ts";
import { createMetricsHandler, type MetricsHandler } from "./metrics-endpoint.ts";

/** How often, at most, the due-leads gauge counts them in the database. */
const DUE_LEADS_SAMPLE_MS = 5_000;

export interface RunningWorker {
  dispatcher: Dispatcher;
  log: WorkerLogger;
  /** `/metrics` and `/healthz`, for the entry file to serve on METRICS_PORT; absent when that is unset. */
  handleMetricsRequest: MetricsHandler | undefined;
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
  const queue = { ...createDispatchQueue(collections), ...createHandOffReplays(collections) };
  const campaigns = new EligibleCampaigns(createCampaignRepository(collections), config.campaignRefreshMs, (ids) =>
    queue.zoneKeysOf(ids),
  );
  // Loaded only when asked for: a worker without METRICS_PORT pays nothing for prom-client.
  const metrics =
    config.metricsPort === undefined
      ? undefined
      : (await import("./prometheus-metrics.ts")).createDispatcherMetrics({
          countDueLeads: async () => {
            const now = new Date();
            const callable = await campaigns.callableNow(now);
            return queue.countDue(callable.scope, now);
          },
          dueSampleMs: DUE_LEADS_SAMPLE_MS,
        });
  const dispatcher = new Dispatcher(config, queue, campaigns, log, metrics);
  dispatcher.start();
  let stopping: Promise<void> | undefined;
  const handleMetricsRequest =
    metrics &&
    createMetricsHandler(metrics, {
      stopping: () => stopping !== undefined,
      checkDatabase: () =>
        connection.db
          .command({ ping: 1 }, { timeoutMS: 2_000 })
          .then(() => true)
          .catch(() => false),
    });
  return {
    dispatcher,
    log,
    handleMetricsRequest,
    stop: () =>
      (stopping ??= (async () => {
        await dispatcher.stop();
        await connection.close();
      })()),
  };
}
