import type { CampaignView } from "@leadline/core";
import type { CampaignDoc } from "@leadline/db";

export const toCampaignView = (campaign: CampaignDoc): CampaignView => ({
  id: campaign._id.toHexString(),
  name: campaign.name,
  status: campaign.status,
  callingHours: campaign.callingHours ?? null,
  maxAttempts: campaign.maxAttempts,
  createdAt: campaign.createdAt.toISOString(),
  updatedAt: campaign.updatedAt.toISOString(),
});
