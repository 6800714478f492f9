import type { Db } from "mongodb";
import { COLLECTION_NAMES, getCollections } from "./collections.ts";

/**
 * The claim's indexes, in the order equality, sort, range. Each `$or` branch
 * of the claim filter is served by one of them: campaigns open for every
 * lead filter on `campaignId`, recipient-local ones on `zoneKey` too.
 * `dispatch-queue.test.ts` checks the filter's shape against these keys,
 * since the test database ignores secondary indexes.
 */
export const CLAIM_INDEXES = {
  dispatch_by_campaign: {
    state: 1,
    campaignId: 1,
    priority: -1,
    scheduledFor: 1,
    _id: 1,
    nextAttemptAt: 1,
    leaseExpiresAt: 1,
  },
  dispatch_by_zone: {
    state: 1,
    campaignId: 1,
    zoneKey: 1,
    priority: -1,
    scheduledFor: 1,
    _id: 1,
    nextAttemptAt: 1,
    leaseExpiresAt: 1,
  },
} as const;

/**
 * The webhook delivery claim's index. An account's deliveries are contiguous in it, so the accounts a claim
 * leaves out are ranges the scan skips; `issue-21-webhook-claim-backlog.test.ts` holds the claim's filter to it.
 */
export const WEBHOOK_CLAIM_INDEX = { state: 1, accountId: 1, nextAttemptAt: 1, leaseExpiresAt: 1 } as const;

/**
 * Creates every index the service relies on. Awaited at start-up: the unique
 * lead index is what turns duplicate phones into skips, so the service must
 * not take requests before it exists.
 */
export async function ensureIndexes(db: Db): Promise<void> {
  const {
    apiKeys,
    campaigns,
    leads,
    suppressions,
    idempotencyRecords,
    importJobs,
    importErrors,
    outboxEvents,
    webhookEndpoints,
    webhookDeliveries,
  } = getCollections(db);
  await Promise.all([
    leads.createIndex({ campaignId: 1, phoneNumber: 1 }, { unique: true, name: "campaign_phone_unique" }),
    leads.createIndex({ campaignId: 1, _id: 1 }, { name: "campaign_listing" }),
    leads.createIndex({ campaignId: 1, state: 1, _id: 1 }, { name: "campaign_listing_by_state" }),
    // Serve the dispatcher's claim, one per kind of $or branch (see CLAIM_INDEXES).
    ...Object.entries(CLAIM_INDEXES).map(([name, key]) => leads.createIndex(key, { name })),
    leads.createIndex({ state: 1, leaseExpiresAt: 1 }, { name: "expired_leases" }),
    // Serve the search across an account's campaigns (GET /leads): by CRM id, by phone, or all.
    leads.createIndex({ accountId: 1, externalId: 1, _id: 1 }, { name: "account_external_id" }),
    leads.createIndex({ accountId: 1, phoneNumber: 1, _id: 1 }, { name: "account_phone" }),
    leads.createIndex({ accountId: 1, _id: 1 }, { name: "account_listing" }),
    idempotencyRecords.createIndex(
      { accountId: 1, operation: 1, key: 1 },
      { unique: true, name: "idempotency_key_unique" },
    ),
    // Real MongoDB deletes expired records itself; reads and a sweep check expiry too, for servers that do not.
    idempotencyRecords.createIndex({ expiresAt: 1 }, { expireAfterSeconds: 0, name: "idempotency_expiry_ttl" }),
    apiKeys.createIndex({ keyHash: 1 }, { unique: true, name: "key_hash_unique" }),
    campaigns.createIndex({ accountId: 1, _id: 1 }, { name: "campaigns_by_account" }),
    // One entry per account, campaign (null: all of them) and number; also serves ingest's and the claim's look-ups.
    suppressions.createIndex(
      { accountId: 1, phoneNumber: 1, campaignId: 1 },
      { unique: true, name: "suppression_unique" },
    ),
    suppressions.createIndex({ accountId: 1, campaignId: 1, _id: 1 }, { name: "suppression_listing" }),
    // A resumed import finds the leads it stored past its checkpoint.
    leads.createIndex({ importId: 1, importLine: 1 }, { name: "import_lines", sparse: true }),
    // The lead-event recovery sweep: only leads that still carry an owed event are in it.
    leads.createIndex({ "pendingEvent.at": 1 }, { name: "pending_lead_events", sparse: true }),
    importJobs.createIndex({ accountId: 1, state: 1, _id: 1 }, { name: "imports_by_account_state" }),
    importJobs.createIndex({ state: 1, _id: 1 }, { name: "imports_claim_order" }),
    // Fair claiming: queued jobs by turn, and each account's latest turn.
    importJobs.createIndex({ state: 1, turn: 1, _id: 1 }, { name: "imports_claim_turns" }),
    importJobs.createIndex({ accountId: 1, turn: -1 }, { name: "imports_account_turns" }),
    importJobs.createIndex({ accountId: 1, campaignId: 1, _id: -1 }, { name: "imports_by_campaign" }),
    importErrors.createIndex({ importId: 1, line: 1 }, { name: "import_errors_by_line" }),
    // The delivery loop's fan-out takes events not yet fanned out, oldest first.
    outboxEvents.createIndex({ fannedOutAt: 1, createdAt: 1 }, { name: "outbox_fan_out" }),
    // Fair fan-out: the accounts with events waiting, then each one's oldest.
    outboxEvents.createIndex({ fannedOutAt: 1, accountId: 1, createdAt: 1 }, { name: "outbox_fan_out_by_account" }),
    webhookEndpoints.createIndex({ accountId: 1, _id: 1 }, { name: "webhooks_by_account" }),
    // The delivery claim: an account's due pending deliveries whose lease is free, soonest first; accounts in turn.
    webhookDeliveries.createIndex(WEBHOOK_CLAIM_INDEX, { name: "webhook_deliveries_claim_by_account" }),
    // An endpoint's pending deliveries: moved past a busy slot or an open breaker, and woken when a slot frees.
    webhookDeliveries.createIndex(
      { endpointId: 1, state: 1, nextAttemptAt: 1 },
      { name: "webhook_deliveries_by_endpoint" },
    ),
    webhookDeliveries.createIndex({ endpointId: 1, createdAt: -1, _id: -1 }, { name: "webhook_deliveries_listing" }),
    // The retention sweep: deliveries that ended, oldest change first.
    webhookDeliveries.createIndex({ state: 1, updatedAt: 1 }, { name: "webhook_deliveries_ended" }),
  ]);
  const rateLimits = db.collection(COLLECTION_NAMES.rateLimits);
  // The layout rate-limiter-flexible's Mongo store expects; it is told not to create these itself.
  await rateLimits.createIndex({ expire: -1 }, { expireAfterSeconds: 0, name: "expire_ttl" });
  await rateLimits.createIndex({ key: 1 }, { unique: true, name: "key_unique" });
}
