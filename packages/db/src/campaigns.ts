import { ObjectId } from "mongodb";
import type { Collections } from "./collections.ts";
import type { CampaignDoc } from "./documents.ts";

/** Parses a public id; anything that is not one cannot name a stored document. */
export function parseObjectId(id: string): ObjectId | null {
  return ObjectId.isValid(id) && /^[0-9a-f]{24}$/i.test(id) ? new ObjectId(id) : null;
}

export function createCampaignRepository({ campaigns }: Collections) {
  return {
    async create(input: { accountId: ObjectId; name: string }): Promise<CampaignDoc> {
      const now = new Date();
      const doc: CampaignDoc = {
        _id: new ObjectId(),
        accountId: input.accountId,
        name: input.name,
        status: "active",
        createdAt: now,
        updatedAt: now,
      };
      await campaigns.insertOne(doc);
      return doc;
    },

    /** The campaign if it exists and belongs to `accountId`; callers cannot tell the two misses apart. */
    async findOwned(accountId: ObjectId, campaignId: string): Promise<CampaignDoc | null> {
      const id = parseObjectId(campaignId);
      return id ? campaigns.findOne({ _id: id, accountId }) : null;
    },
  };
}

export type CampaignRepository = ReturnType<typeof createCampaignRepository>;
