/**
 * What the dispatcher worker needs, and nothing that ties it to Node: this
 * entry leaves out API-key hashing (`node:crypto`) so the worker runs under
 * Deno with web standards only. `test/runtime-neutral-imports.test.ts`
 * walks the worker's imports to keep it that way.
 */
export { createCampaignRepository, type CampaignRepository } from "./campaigns.ts";
export { DEFAULT_CLAIM_CAMPAIGNS } from "./claim-scope.ts";
export { getCollections, type Collections } from "./collections.ts";
export { connectMongo, type MongoConnection } from "./connect.ts";
export type { StartupCheck } from "./db-check/startup-check.ts";
export {
  createDispatchQueue,
  type BatchClaimRequest,
  type ClaimScope,
  type DispatchQueue,
  type DispatchQueueOptions,
} from "./dispatch-queue.ts";
export {
  createHandOffReplays,
  replayedAttempt,
  takeOversExhaustedError,
  type HandOffReplays,
  type ResumeOptions,
} from "./hand-off-replays.ts";
export type { CampaignDoc, LeadDoc, SuppressionDoc } from "./documents.ts";
export { ObjectId } from "mongodb";
