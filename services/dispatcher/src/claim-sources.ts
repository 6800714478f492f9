import {
  createCampaignRepository,
  createDispatchQueue,
  createHandOffReplays,
  type Collections,
} from "@leadline/db/dispatch";
import type { DispatcherConfig } from "./config.ts";
import { EligibleCampaigns } from "./eligible-campaigns.ts";

/**
 * The hand-off queue and the campaigns its claims are built from, wired as
 * the worker runs them: both page campaign ids `claimCampaigns` at a time,
 * and the queue corrects the attempt of a hand-off taken over from a dead worker.
 */
export function createClaimSources(
  collections: Collections,
  config: Pick<DispatcherConfig, "campaignRefreshMs" | "claimCampaigns">,
) {
  const queue = {
    ...createDispatchQueue(collections, { maxCampaignsPerClaim: config.claimCampaigns }),
    ...createHandOffReplays(collections),
  };
  const campaigns = new EligibleCampaigns(
    createCampaignRepository(collections),
    config.campaignRefreshMs,
    queue,
    config.claimCampaigns,
  );
  return { queue, campaigns };
}
