import { ObjectId, type CampaignDoc } from "@leadline/db";

/** An active any-time campaign as stored, for tests that insert campaigns straight into the database. */
export function campaignDoc(fields: Pick<CampaignDoc, "accountId" | "name"> & Partial<CampaignDoc>): CampaignDoc {
  const now = new Date();
  return {
    _id: new ObjectId(),
    status: "active",
    callingHours: null,
    maxAttempts: 3,
    createdAt: now,
    updatedAt: now,
    ...fields,
  };
}
