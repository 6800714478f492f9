import { createWorkerLogger, type WorkerLogger } from "@leadline/core";
import {
  connectMongo,
  createCampaignRepository,
  createImportErrors,
  createImportFiles,
  createImportJobs,
  createLeadRepository,
  createSuppressionRepository,
  createWebhookDeliveries,
  createWebhookSendSlots,
  createZoneLookup,
  getCollections,
  timeZoneDataUrl,
} from "@leadline/db/imports";
import type { BackgroundWorkerConfig } from "./config.ts";
import { ImportWorker } from "./import-worker.ts";
import { WebhookDeliveryLoop } from "./webhook-delivery-loop.ts";
import type { ResolveHost, WebhookTransport } from "./webhook-target.ts";

export interface RunningBackgroundWorker {
  /** The imports loop, when BACKGROUND_LOOPS has it. */
  imports: ImportWorker | undefined;
  /** The webhooks loop, when BACKGROUND_LOOPS has it. */
  webhooks: WebhookDeliveryLoop | undefined;
  log: WorkerLogger;
  /**
   * Graceful stop: the job in hand stops at its next step (its lease runs
   * out for another worker), a webhook attempt in flight is aborted and its
   * delivery released, then the client closes.
   */
  stop(): Promise<void>;
}

/**
 * What only the runtime can do: read the time-zone data file, resolve webhook
 * hosts for the early SSRF check, and send webhooks through a transport that
 * checks the address it connects to.
 */
export interface BackgroundWorkerRuntime {
  readFile(url: URL): Promise<Uint8Array>;
  resolveHost: ResolveHost;
  webhookTransport: WebhookTransport;
}

/**
 * Connects and starts the loops BACKGROUND_LOOPS names: claiming import
 * jobs, and delivering the outbox's webhooks (lead events included, so
 * some process must run this loop); the runtime entry files wire signals
 * to `stop`.
 */
export async function runBackgroundWorker(
  config: BackgroundWorkerConfig,
  runtime: BackgroundWorkerRuntime,
): Promise<RunningBackgroundWorker> {
  const log = createWorkerLogger(config.logLevel, { service: "leadline-background-worker", workerId: config.workerId });
  const connection = await connectMongo(config.mongoUri, {
    dbName: config.mongoDbName,
    appName: "leadline-background-worker",
    onReconnect: (stalled) => log.warn(stalled, "database client reconnected: a server heartbeat never settled"),
    startupCheck: config.dbCheck,
  });
  const collections = getCollections(connection.db);
  const imports = config.loops.has("imports")
    ? new ImportWorker(
        config,
        {
          jobs: createImportJobs(collections),
          errors: createImportErrors(collections),
          files: createImportFiles(connection.db),
          leads: createLeadRepository(collections),
          campaigns: createCampaignRepository(collections),
          suppressions: createSuppressionRepository(collections),
          // The bulk path's rules: recipient zones from the number, suppressed numbers never stored.
          zones: createZoneLookup(await runtime.readFile(timeZoneDataUrl())),
        },
        log,
      )
    : undefined;
  const webhooks = config.loops.has("webhooks")
    ? new WebhookDeliveryLoop(
        config.webhooks,
        config.workerId,
        createWebhookDeliveries(collections),
        createWebhookSendSlots(collections),
        { resolveHost: runtime.resolveHost, transport: runtime.webhookTransport },
        log,
      )
    : undefined;
  imports?.start();
  webhooks?.start();
  log.info(
    {
      loops: [...config.loops],
      ...(imports && { leaseMs: config.leaseMs, batchSize: config.batchSize }),
      ...(webhooks && {
        webhookConcurrency: config.webhooks.concurrency,
        webhookEndpointConcurrency: config.webhooks.endpointConcurrency,
        webhookAllowPrivate: config.webhooks.allowPrivate,
      }),
    },
    "background worker started",
  );
  let stopping: Promise<void> | undefined;
  return {
    imports,
    webhooks,
    log,
    stop: () =>
      (stopping ??= (async () => {
        await Promise.all([imports?.stop(), webhooks?.stop()]);
        await connection.close();
      })()),
  };
}
