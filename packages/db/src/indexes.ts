import type { Db } from "mongodb";
import { COLLECTION_NAMES, getCollections } from "./collections.ts";

/**
 * Creates every index the service relies on. Awaited at start-up: the unique
 * lead index is what turns duplicate phones into skips, so the service must
 * not take requests before it exists.
 */
export async function ensureIndexes(db: Db): Promise<void> {
  const { apiKeys, campaigns, leads, importJobs, importErrors } = getCollections(db);
  await Promise.all([
    leads.createIndex({ campaignId: 1, phoneNumber: 1 }, { unique: true, name: "campaign_phone_unique" }),
    leads.createIndex({ campaignId: 1, _id: 1 }, { name: "campaign_listing" }),
    leads.createIndex({ campaignId: 1, state: 1, _id: 1 }, { name: "campaign_listing_by_state" }),
    // Serves the dispatcher's claim: due pending leads in hand-off order, and expired leases.
    leads.createIndex({ state: 1, priority: -1, scheduledFor: 1, _id: 1 }, { name: "dispatch_order" }),
    leads.createIndex({ state: 1, leaseExpiresAt: 1 }, { name: "expired_leases" }),
    apiKeys.createIndex({ keyHash: 1 }, { unique: true, name: "key_hash_unique" }),
    campaigns.createIndex({ accountId: 1, _id: 1 }, { name: "campaigns_by_account" }),
    // A resumed import finds the leads it stored past its checkpoint.
    leads.createIndex({ importId: 1, importLine: 1 }, { name: "import_lines", sparse: true }),
    importJobs.createIndex({ accountId: 1, state: 1, _id: 1 }, { name: "imports_by_account_state" }),
    importJobs.createIndex({ state: 1, _id: 1 }, { name: "imports_claim_order" }),
    importJobs.createIndex({ accountId: 1, campaignId: 1, _id: -1 }, { name: "imports_by_campaign" }),
    importErrors.createIndex({ importId: 1, line: 1 }, { name: "import_errors_by_line" }),
  ]);
  const rateLimits = db.collection(COLLECTION_NAMES.rateLimits);
  // The layout rate-limiter-flexible's Mongo store expects; it is told not to create these itself.
  await rateLimits.createIndex({ expire: -1 }, { expireAfterSeconds: 0, name: "expire_ttl" });
  await rateLimits.createIndex({ key: 1 }, { unique: true, name: "key_unique" });
}
