import type { LeadState } from "@leadline/core";
import type { Filter, ObjectId } from "mongodb";
import { parseObjectId } from "./campaigns.ts";
import type { Collections } from "./collections.ts";
import type { LeadDoc } from "./documents.ts";
import { createLeadTransitions } from "./lead-lifecycle/transition.ts";

/** What to look for among an account's leads; every field given must match. */
export interface LeadSearch {
  accountId: ObjectId;
  campaignId?: ObjectId;
  externalId?: string;
  /** E.164. */
  phoneNumber?: string;
  state?: LeadState;
  afterId?: ObjectId;
  limit: number;
}

/** Which leads of one campaign to delete: by id, by phone, or both. */
export interface LeadDeletion {
  accountId: ObjectId;
  campaignId: ObjectId;
  leadIds: readonly string[];
  /** E.164. */
  phoneNumbers: readonly string[];
}

/**
 * Finding single leads and deleting them, beside the bulk path in
 * `leads.ts`. Deletion is real: the lead leaves listings and counts, its
 * phone may be imported again, and a worker still holding it finds nothing
 * to update (every hand-off transition is conditional on the lead's state).
 */
export function createLeadDirectory(collections: Collections) {
  const { leads } = collections;
  const transitions = createLeadTransitions(collections);
  return {
    /** The campaign's lead with this phone, if any. */
    async findByPhone(campaignId: ObjectId, phoneNumber: string): Promise<LeadDoc | null> {
      return leads.findOne({ campaignId, phoneNumber });
    },

    async findById(leadId: string): Promise<LeadDoc | null> {
      const id = parseObjectId(leadId);
      return id ? leads.findOne({ _id: id }) : null;
    },

    /** One page of matching leads across the account's campaigns, in `_id` order after `afterId`. */
    async search(query: LeadSearch): Promise<LeadDoc[]> {
      const filter: Filter<LeadDoc> = { accountId: query.accountId };
      if (query.campaignId) filter.campaignId = query.campaignId;
      if (query.externalId !== undefined) filter.externalId = query.externalId;
      if (query.phoneNumber !== undefined) filter.phoneNumber = query.phoneNumber;
      if (query.state) filter.state = query.state;
      if (query.afterId) filter._id = { $gt: query.afterId };
      return leads.find(filter).sort({ _id: 1 }).limit(query.limit).toArray();
    },

    /** Deletes the account's lead; false when there is none (missing or another account's). */
    async deleteOwned(accountId: ObjectId, leadId: string): Promise<boolean> {
      const id = parseObjectId(leadId);
      if (!id) return false;
      return transitions.one("deleted", { where: { _id: id, accountId }, now: new Date(), values: {} });
    },

    /**
     * Deletes the campaign's leads named by id or phone. `notFound` lists the
     * ids and phones (as given) that named no lead of the campaign.
     */
    async deleteInCampaign(request: LeadDeletion): Promise<{ deleted: number; notFound: string[] }> {
      const ids = request.leadIds.map(parseObjectId).filter((id): id is ObjectId => id !== null);
      const scope = { accountId: request.accountId, campaignId: request.campaignId };
      const found = await leads
        .find(
          { ...scope, $or: [{ _id: { $in: ids } }, { phoneNumber: { $in: [...request.phoneNumbers] } }] },
          { projection: { _id: 1, phoneNumber: 1 } },
        )
        .toArray();
      const foundIds = new Set(found.map((lead) => lead._id.toHexString()));
      const foundPhones = new Set(found.map((lead) => lead.phoneNumber));
      const deleted =
        found.length > 0
          ? await transitions.many("deleted", {
              where: { ...scope, _id: { $in: found.map((l) => l._id) } },
              now: new Date(),
              values: {},
            })
          : 0;
      const notFound = [
        ...request.leadIds.filter((id) => !foundIds.has(id.toLowerCase())),
        ...request.phoneNumbers.filter((phone) => !foundPhones.has(phone)),
      ];
      return { deleted, notFound };
    },
  };
}

export type LeadDirectory = ReturnType<typeof createLeadDirectory>;
