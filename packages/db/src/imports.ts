/**
 * What the background worker (`services/background-worker`: its imports and
 * webhooks loops) needs, and nothing that ties it to Node: like
 * `./dispatch.ts`, this entry leaves out API-key hashing (`node:crypto`) so
 * the worker runs under Deno with web standards only.
 * `test/runtime-neutral-imports.test.ts` walks the worker's imports to keep
 * it that way.
 */
export { getCollections, type Collections } from "./collections.ts";
export { connectMongo, type MongoConnection } from "./connect.ts";
export type { StartupCheck } from "./db-check/startup-check.ts";
export { createCampaignRepository, type CampaignRepository } from "./campaigns.ts";
export type {
  CampaignDoc,
  ImportJobDoc,
  LeadDoc,
  OutboxEventDoc,
  WebhookDeliveryDoc,
  WebhookEndpointDoc,
} from "./documents.ts";
export { createImportErrors, type ImportErrors, type ImportRowError } from "./import-errors.ts";
export { createImportFiles, type ImportFiles } from "./import-files.ts";
export { createImportJobs, type ImportCheckpoint, type ImportJobs } from "./import-jobs.ts";
export { ingestLeads, type IngestStores } from "./ingest-leads.ts";
export { createLeadRepository, LeadWriteError, type LeadRepository } from "./leads.ts";
export { ObjectId } from "mongodb";
export { translateDatabaseError } from "./database-errors.ts";
export { createZoneLookup, MAX_ZONES_PER_NUMBER, type ZoneLookup } from "./phone-zones.ts";
export { createSuppressionRepository, type SuppressionRepository } from "./suppressions.ts";
export { timeZoneDataUrl } from "./time-zone-data.ts";
export { createWebhookDeliveries, type AttemptRecord, type WebhookDeliveries } from "./webhook-deliveries.ts";
export {
  createWebhookSendSlots,
  type BreakerSettings,
  type EndpointSlot,
  type SlotClaim,
  type WebhookSendSlots,
} from "./webhook-send-slots.ts";
