import type { NewLead } from "@leadline/core";
import type { CampaignDoc } from "./documents.ts";
import type { BulkInsertResult, InsertOptions, LeadRepository } from "./leads.ts";
import type { SuppressionRepository } from "./suppressions.ts";

/** The stores a lead's way in touches; the API's repositories and the import worker's stores both fit. */
export interface IngestStores {
  leads: Pick<LeadRepository, "insertSkippingDuplicates" | "planInsert">;
  suppressions: Pick<SuppressionRepository, "suppressedAmong">;
}

/** How one batch of validated leads is taken in. */
export interface IngestOptions extends Pick<InsertOptions, "createdByRequest" | "origin" | "zonesOf"> {
  /** Write nothing: answer what the insert would do, from one read of the stored numbers. */
  dryRun?: boolean;
}

/**
 * The one way validated leads enter a campaign, shared by bulk create,
 * single create and import jobs: one look-up of the numbers the campaign
 * must not call (account-wide and its own), then one unordered insert in
 * which the unique index decides duplicates and each lead gets the zones
 * of its number, or with `dryRun` the same answer from one read.
 * Suppressed leads are not stored: they count as skipped and are listed in
 * `suppressedPhones` too.
 *
 * @example
 * const stored = await ingestLeads(repos, campaign, leads, { zonesOf: zones.zonesOf });
 */
export async function ingestLeads(
  stores: IngestStores,
  campaign: CampaignDoc,
  leads: readonly NewLead[],
  options: IngestOptions = {},
): Promise<BulkInsertResult> {
  const { dryRun, ...insert } = options;
  const suppressed = await stores.suppressions.suppressedAmong(
    campaign.accountId,
    campaign._id,
    leads.map((lead) => lead.phoneNumber),
  );
  return dryRun
    ? stores.leads.planInsert(campaign, leads, { suppressed })
    : stores.leads.insertSkippingDuplicates(campaign, leads, { ...insert, suppressed });
}
