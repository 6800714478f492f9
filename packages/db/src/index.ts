export { createAccountRepository, type AccountRepository } from "./accounts.ts";
export {
  API_KEY_PREFIX,
  createApiKeyRepository,
  generateApiKey,
  hashApiKey,
  isWellFormedApiKey,
  type ApiKeyRepository,
  type CreatedApiKey,
} from "./api-keys.ts";
export {
  CAMPAIGN_LIMIT_REACHED,
  createCampaignRepository,
  parseObjectId,
  type CampaignChanges,
  type CampaignRepository,
  type NewCampaign,
} from "./campaigns.ts";
export {
  CLAIM_SORT,
  claimFilter,
  createDispatchQueue,
  type BatchClaimRequest,
  type ClaimScope,
  type DispatchQueue,
} from "./dispatch-queue.ts";
export { takeOversExhaustedError } from "./hand-off-replays.ts";
export {
  createLeadTransitions,
  transitionFilter,
  transitionUpdate,
  type LeadTransitions,
  type TransitionRequest,
} from "./lead-lifecycle/transition.ts";
export { COLLECTION_NAMES, getCollections, type Collections } from "./collections.ts";
export { connectMongo, DEFAULT_CONNECT_TIMEOUT_MS, type MongoConnection } from "./connect.ts";
export {
  checkDatabaseAtStartup,
  claimIndexUse,
  concurrentClaim,
  concurrentInc,
  DB_CHECKS,
  DatabaseCheckError,
  EXACTLY_ONCE_CHECKS,
  formatReport,
  gridfsRangedRead,
  guardedUpdate,
  insertManyWriteErrors,
  pushSlice,
  runDbChecks,
  ttlIndex,
  type AnyDbCheck,
  type CheckReport,
  type CheckVerdict,
  type DbCheck,
  type StartupCheck,
} from "./db-check/index.ts";
export type * from "./documents.ts";
export { CLAIM_INDEXES, WEBHOOK_CLAIM_INDEX, ensureIndexes } from "./indexes.ts";
export {
  createIdempotencyRecords,
  type Claim,
  type ClaimRequest as IdempotencyClaimRequest,
  type IdempotencyRecords,
  type IdempotencyScope,
  type Settled,
  type UnreadClaim,
  UNREAD_FINGERPRINT,
} from "./idempotency-records.ts";
export {
  createLeadRepository,
  LeadWriteError,
  toLeadDoc,
  type ImportOrigin,
  type InsertOptions,
  type LeadRepository,
  type BulkInsertResult,
  type LeadInsertResult,
} from "./leads.ts";
export { ingestLeads, type IngestOptions, type IngestStores } from "./ingest-leads.ts";
export { createLeadDirectory, type LeadDeletion, type LeadDirectory, type LeadSearch } from "./lead-directory.ts";
export { createOutcomeRepository, type OutcomeRepository } from "./outcomes.ts";
export { createSuppressionRepository, type SuppressionRepository } from "./suppressions.ts";
export { createImportErrors, type ImportErrors, type ImportRowError } from "./import-errors.ts";
export { createImportFiles, type ImportFiles, type StoredUpload } from "./import-files.ts";
export { createImportJobs, type ImportCheckpoint, type ImportJobs } from "./import-jobs.ts";
export { createImportStorage, type ImportStorage } from "./import-storage.ts";
export { createOutbox, WEBHOOK_EVENT_TYPES, type Outbox, type WebhookEventType } from "./outbox.ts";
export { rateLimitStore, type RateLimitStore } from "./rate-limit-store.ts";
export { createRepositories, type Repositories } from "./repositories.ts";
export { BSON, ObjectId } from "mongodb";
export { translateDatabaseError } from "./database-errors.ts";
export { seedAccount, type SeededAccount } from "./seed-account.ts";
export { createZoneLookup, MAX_ZONES_PER_NUMBER, type ZoneLookup } from "./phone-zones.ts";
export { timeZoneDataUrl } from "./time-zone-data.ts";
export {
  createLeadEvents,
  leadEventFor,
  type LeadEvents,
  type PendingLeadEvent,
} from "./lead-lifecycle/lead-events.ts";
export {
  createWebhookDeliveries,
  deliveryIdOf,
  type AttemptRecord,
  type DeliveryPosition,
  type WebhookDeliveries,
} from "./webhook-deliveries.ts";
export { createWebhookEndpoints, WEBHOOK_LIMIT_REACHED, type WebhookEndpoints } from "./webhook-endpoints.ts";
