import type { SuppressionView } from "@leadline/core";
import type { SuppressionDoc } from "@leadline/db";

export const toSuppressionView = (entry: SuppressionDoc): SuppressionView => ({
  id: entry._id.toHexString(),
  phoneNumber: entry.phoneNumber,
  campaignId: entry.campaignId?.toHexString() ?? null,
  reason: entry.reason ?? null,
  source: entry.source,
  createdAt: entry.createdAt.toISOString(),
});
