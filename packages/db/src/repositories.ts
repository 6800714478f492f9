import type { Db } from "mongodb";
import { createAccountRepository } from "./accounts.ts";
import { createApiKeyRepository } from "./api-keys.ts";
import { createCampaignRepository } from "./campaigns.ts";
import { getCollections } from "./collections.ts";
import { createDispatchQueue } from "./dispatch-queue.ts";
import { createIdempotencyRecords } from "./idempotency-records.ts";
import { createImportErrors } from "./import-errors.ts";
import { createImportFiles } from "./import-files.ts";
import { createImportEvents } from "./import-events.ts";
import { createImportJobs } from "./import-jobs.ts";
import { createImportStorage } from "./import-storage.ts";
import { createLeadDirectory } from "./lead-directory.ts";
import { createLeadEvents } from "./lead-lifecycle/lead-events.ts";
import { createLeadRepository } from "./leads.ts";
import { createOutbox } from "./outbox.ts";
import { createOutcomeRepository } from "./outcomes.ts";
import { atRepositoryEdge } from "./repository-edge.ts";
import { createSuppressionRepository } from "./suppressions.ts";
import { createWebhookDeliveries } from "./webhook-deliveries.ts";
import { createWebhookEndpoints } from "./webhook-endpoints.ts";

/**
 * Every repository over one database; the collections themselves stay inside this package. Each
 * stands at the repository edge: a driver failure leaves it as the service's error (see
 * repository-edge.ts), so no caller translates driver errors.
 */
export function createRepositories(db: Db) {
  const collections = getCollections(db);
  const repositories = {
    accounts: createAccountRepository(collections),
    apiKeys: createApiKeyRepository(collections),
    campaigns: createCampaignRepository(collections),
    leads: createLeadRepository(collections),
    leadDirectory: createLeadDirectory(collections),
    dispatchQueue: createDispatchQueue(collections),
    suppressions: createSuppressionRepository(collections),
    outcomes: createOutcomeRepository(collections),
    idempotencyRecords: createIdempotencyRecords(collections),
    importJobs: createImportJobs(collections),
    importErrors: createImportErrors(collections),
    importFiles: createImportFiles(db),
    importStorage: createImportStorage(collections),
    outbox: createOutbox(collections),
    leadEvents: createLeadEvents(collections),
    importEvents: createImportEvents(collections),
    webhookEndpoints: createWebhookEndpoints(collections),
    webhookDeliveries: createWebhookDeliveries(collections),
  };
  return Object.fromEntries(
    Object.entries(repositories).map(([name, repository]) => [name, atRepositoryEdge(repository)]),
  ) as typeof repositories;
}

export type Repositories = ReturnType<typeof createRepositories>;
