import { DEFAULT_RETRY_POLICY, type CampaignView } from "@leadline/core";
import type { CampaignDoc } from "@leadline/db";

export const toCampaignView = (campaign: CampaignDoc): CampaignView => ({
  id: campaign._id.toHexString(),
  name: campaign.name,
  status: campaign.status,
  callingHours: campaign.callingHours ?? null,
  maxAttempts: campaign.maxAttempts,
  retryPolicy: { ...DEFAULT_RETRY_POLICY, ...campaign.retryPolicy },
  defaultCountry: campaign.defaultCountry ?? null,
  createdAt: campaign.createdAt.toISOString(),
  updatedAt: campaign.updatedAt.toISOString(),
});
