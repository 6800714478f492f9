import { createWorkerLogger, type WorkerLogger } from "@leadline/core";
import {
  connectMongo,
  createCampaignRepository,
  createImportErrors,
  createImportFiles,
  createImportJobs,
  createLeadRepository,
  createOutbox,
  createSuppressionRepository,
  createWebhookDeliveries,
  createWebhookSendSlots,
  createZoneLookup,
  getCollections,
  timeZoneDataUrl,
} from "@leadline/db/imports";
import type { ImporterConfig } from "./config.ts";
import { ImportWorker } from "./import-worker.ts";
import { WebhookDeliveryLoop } from "./webhook-delivery-loop.ts";
import type { ResolveHost, WebhookTransport } from "./webhook-target.ts";

export interface RunningImporter {
  worker: ImportWorker;
  webhooks: WebhookDeliveryLoop;
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
export interface ImporterRuntime {
  readFile(url: URL): Promise<Uint8Array>;
  resolveHost: ResolveHost;
  webhookTransport: WebhookTransport;
}

/**
 * Connects and starts claiming import jobs, and delivering webhooks beside
 * them; the runtime entry files wire signals to `stop`.
 */
export async function runImporter(config: ImporterConfig, runtime: ImporterRuntime): Promise<RunningImporter> {
  const log = createWorkerLogger(config.logLevel, { service: "leadline-importer", workerId: config.workerId });
  const connection = await connectMongo(config.mongoUri, {
    dbName: config.mongoDbName,
    appName: "leadline-importer",
    onReconnect: (stalled) => log.warn(stalled, "database client reconnected: a server heartbeat never settled"),
    startupCheck: config.dbCheck,
  });
  const collections = getCollections(connection.db);
  // The bulk path's rules: recipient zones from the number, suppressed numbers never stored.
  const zones = createZoneLookup(await runtime.readFile(timeZoneDataUrl()));
  const worker = new ImportWorker(
    config,
    {
      jobs: createImportJobs(collections),
      errors: createImportErrors(collections),
      files: createImportFiles(connection.db),
      leads: createLeadRepository(collections),
      campaigns: createCampaignRepository(collections),
      outbox: createOutbox(collections),
      suppressions: createSuppressionRepository(collections),
      zones,
    },
    log,
  );
  const webhooks = new WebhookDeliveryLoop(
    config.webhooks,
    config.workerId,
    createWebhookDeliveries(collections),
    createWebhookSendSlots(collections),
    { resolveHost: runtime.resolveHost, transport: runtime.webhookTransport },
    log,
  );
  worker.start();
  webhooks.start();
  log.info(
    {
      leaseMs: config.leaseMs,
      batchSize: config.batchSize,
      webhookConcurrency: config.webhooks.concurrency,
      webhookEndpointConcurrency: config.webhooks.endpointConcurrency,
      webhookAllowPrivate: config.webhooks.allowPrivate,
    },
    "import worker started",
  );
  let stopping: Promise<void> | undefined;
  return {
    worker,
    webhooks,
    log,
    stop: () =>
      (stopping ??= (async () => {
        await Promise.all([worker.stop(), webhooks.stop()]);
        await connection.close();
      })()),
  };
}
