export { createAccountRepository, type AccountRepository } from "./accounts.ts";
export {
  API_KEY_PREFIX,
  createApiKeyRepository,
  generateApiKey,
  hashApiKey,
  type ApiKeyRepository,
  type CreatedApiKey,
} from "./api-keys.ts";
export { createCampaignRepository, parseObjectId, type CampaignChanges, type CampaignRepository } from "./campaigns.ts";
export { createDispatchQueue, type ClaimRequest, type DispatchQueue } from "./dispatch-queue.ts";
export { COLLECTION_NAMES, getCollections, type Collections } from "./collections.ts";
export { connectMongo, DEFAULT_CONNECT_TIMEOUT_MS, type MongoConnection } from "./connect.ts";
export type * from "./documents.ts";
export { ensureIndexes } from "./indexes.ts";
export { createLeadRepository, LeadWriteError, toLeadDoc, type ImportOrigin, type LeadRepository } from "./leads.ts";
export { createImportErrors, type ImportErrors, type ImportRowError } from "./import-errors.ts";
export { createImportFiles, type ImportFiles, type StoredUpload } from "./import-files.ts";
export { createImportJobs, type ImportCheckpoint, type ImportJobs } from "./import-jobs.ts";
export { createOutbox, WEBHOOK_EVENT_TYPES, type Outbox, type WebhookEventType } from "./outbox.ts";
export { rateLimitStore, type RateLimitStore } from "./rate-limit-store.ts";
export { createRepositories, type Repositories } from "./repositories.ts";
export { ObjectId } from "mongodb";
export { DATABASE_RETRY_AFTER_SECONDS, translateDatabaseError } from "./database-errors.ts";
export { seedAccount, type SeededAccount } from "./seed-account.ts";
