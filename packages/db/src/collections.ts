import type { Collection, Db } from "mongodb";
import type {
  AccountDoc,
  ApiKeyDoc,
  CampaignCounterDoc,
  CampaignDoc,
  IdempotencyRecordDoc,
  ImportErrorDoc,
  ImportJobDoc,
  LeadDoc,
  OutboxEventDoc,
  SuppressionDoc,
  WebhookDeliveryDoc,
  WebhookEndpointDoc,
} from "./documents.ts";

/** Collection names in one place; the rate limiters' collection is shared by every API process. */
export const COLLECTION_NAMES = {
  accounts: "accounts",
  apiKeys: "api_keys",
  campaigns: "campaigns",
  leads: "leads",
  rateLimits: "rate_limits",
  suppressions: "suppressions",
  idempotencyRecords: "idempotency_keys",
  importJobs: "import_jobs",
  importErrors: "import_errors",
  outboxEvents: "outbox_events",
  webhookEndpoints: "webhook_endpoints",
  webhookDeliveries: "webhook_deliveries",
  /** One document per account: how many campaigns it has, the cap's guard. */
  campaignCounters: "campaign_counters",
  /** GridFS bucket of uploaded import files (`imports.files`, `imports.chunks`). */
  importFilesBucket: "imports",
} as const;

export interface Collections {
  accounts: Collection<AccountDoc>;
  apiKeys: Collection<ApiKeyDoc>;
  campaigns: Collection<CampaignDoc>;
  leads: Collection<LeadDoc>;
  suppressions: Collection<SuppressionDoc>;
  idempotencyRecords: Collection<IdempotencyRecordDoc>;
  importJobs: Collection<ImportJobDoc>;
  importErrors: Collection<ImportErrorDoc>;
  outboxEvents: Collection<OutboxEventDoc>;
  webhookEndpoints: Collection<WebhookEndpointDoc>;
  webhookDeliveries: Collection<WebhookDeliveryDoc>;
  campaignCounters: Collection<CampaignCounterDoc>;
}

export function getCollections(db: Db): Collections {
  return {
    accounts: db.collection<AccountDoc>(COLLECTION_NAMES.accounts),
    apiKeys: db.collection<ApiKeyDoc>(COLLECTION_NAMES.apiKeys),
    campaigns: db.collection<CampaignDoc>(COLLECTION_NAMES.campaigns),
    leads: db.collection<LeadDoc>(COLLECTION_NAMES.leads),
    suppressions: db.collection<SuppressionDoc>(COLLECTION_NAMES.suppressions),
    idempotencyRecords: db.collection<IdempotencyRecordDoc>(COLLECTION_NAMES.idempotencyRecords),
    importJobs: db.collection<ImportJobDoc>(COLLECTION_NAMES.importJobs),
    importErrors: db.collection<ImportErrorDoc>(COLLECTION_NAMES.importErrors),
    outboxEvents: db.collection<OutboxEventDoc>(COLLECTION_NAMES.outboxEvents),
    webhookEndpoints: db.collection<WebhookEndpointDoc>(COLLECTION_NAMES.webhookEndpoints),
    webhookDeliveries: db.collection<WebhookDeliveryDoc>(COLLECTION_NAMES.webhookDeliveries),
    campaignCounters: db.collection<CampaignCounterDoc>(COLLECTION_NAMES.campaignCounters),
  };
}
