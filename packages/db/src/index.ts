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
export { connectMongo, type MongoConnection } from "./connect.ts";
export type * from "./documents.ts";
export { ensureIndexes } from "./indexes.ts";
export {
  createIdempotencyRecords,
  type Claim,
  type ClaimRequest as IdempotencyClaimRequest,
  type IdempotencyRecords,
  type IdempotencyScope,
} from "./idempotency-records.ts";
export { createLeadRepository, LeadWriteError, toLeadDoc, type InsertOptions, type LeadRepository } from "./leads.ts";
export { createLeadDirectory, type LeadDeletion, type LeadDirectory, type LeadSearch } from "./lead-directory.ts";
export { rateLimitStore, type RateLimitStore } from "./rate-limit-store.ts";
export { createRepositories, type Repositories } from "./repositories.ts";
export { ObjectId } from "mongodb";
export { DATABASE_RETRY_AFTER_SECONDS, translateDatabaseError } from "./database-errors.ts";
export { seedAccount, type SeededAccount } from "./seed-account.ts";
