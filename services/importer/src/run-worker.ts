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
  createZoneLookup,
  getCollections,
  timeZoneDataUrl,
} from "@leadline/db/imports";
import type { ImporterConfig } from "./config.ts";
import { ImportWorker } from "./import-worker.ts";

export interface RunningImporter {
  worker: ImportWorker;
  log: WorkerLogger;
  /** Graceful stop: the job in hand stops at its next step (its lease runs out for another worker), then the client closes. */
  stop(): Promise<void>;
}

/** What only the runtime can do: read the time-zone data file. */
export interface ImporterRuntime {
  readFile(url: URL): Promise<Uint8Array>;
}

/** Connects and starts claiming import jobs; the runtime entry files wire signals to `stop`. */
export async function runImporter(config: ImporterConfig, runtime: ImporterRuntime): Promise<RunningImporter> {
  const log = createWorkerLogger(config.logLevel, { service: "leadline-importer", workerId: config.workerId });
  const connection = await connectMongo(config.mongoUri, {
    dbName: config.mongoDbName,
    appName: "leadline-importer",
    onReconnect: (stalled) => log.warn(stalled, "database client reconnected: a server heartbeat never settled"),
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
  worker.start();
  log.info({ leaseMs: config.leaseMs, batchSize: config.batchSize }, "import worker started");
  let stopping: Promise<void> | undefined;
  return {
    worker,
    log,
    stop: () =>
      (stopping ??= (async () => {
        await worker.stop();
        await connection.close();
      })()),
  };
}
