import {
  DEFAULT_MAX_ATTEMPTS,
  DEFAULT_RETRY_POLICY,
  type CallingHours,
  type CampaignStatus,
  type RetryPolicy,
} from "@leadline/core";
import { ObjectId } from "mongodb";
import type { Collections } from "./collections.ts";
import type { CampaignDoc } from "./documents.ts";

/** Parses a public id; anything that is not one cannot name a stored document. */
export function parseObjectId(id: string): ObjectId | null {
  return /^[0-9a-f]{24}$/i.test(id) ? new ObjectId(id) : null;
}

export interface CampaignChanges {
  name?: string;
  status?: CampaignStatus;
  callingHours?: CallingHours | null;
  maxAttempts?: number;
  /** Merged into the stored policy: outcomes left out keep their delay. */
  retryPolicy?: Partial<RetryPolicy>;
  /** ISO 3166-1 alpha-2 for national numbers in bulk requests; null clears it. */
  defaultCountry?: string | null;
}

export function createCampaignRepository({ campaigns }: Collections) {
  return {
    async create(input: { accountId: ObjectId; name: string } & Omit<CampaignChanges, "name">): Promise<CampaignDoc> {
      const now = new Date();
      const doc: CampaignDoc = {
        _id: new ObjectId(),
        accountId: input.accountId,
        name: input.name,
        status: input.status ?? "active",
        callingHours: input.callingHours ?? null,
        maxAttempts: input.maxAttempts ?? DEFAULT_MAX_ATTEMPTS,
        retryPolicy: { ...DEFAULT_RETRY_POLICY, ...input.retryPolicy },
        defaultCountry: input.defaultCountry ?? null,
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

    async listOwned(accountId: ObjectId): Promise<CampaignDoc[]> {
      return campaigns.find({ accountId }).sort({ _id: 1 }).limit(1000).toArray();
    },

    async updateOwned(accountId: ObjectId, campaignId: string, changes: CampaignChanges): Promise<CampaignDoc | null> {
      const id = parseObjectId(campaignId);
      if (!id) return null;
      const set: Partial<CampaignDoc> = { updatedAt: new Date() };
      if (changes.name !== undefined) set.name = changes.name;
      if (changes.status !== undefined) set.status = changes.status;
      if (changes.callingHours !== undefined) set.callingHours = changes.callingHours;
      if (changes.maxAttempts !== undefined) set.maxAttempts = changes.maxAttempts;
      if (changes.defaultCountry !== undefined) set.defaultCountry = changes.defaultCountry;
      // Field by field, so a PATCH of one delay keeps the others, on campaigns stored with or without a policy.
      const perOutcome = Object.fromEntries(
        Object.entries(changes.retryPolicy ?? {}).map(([outcome, minutes]) => [`retryPolicy.${outcome}`, minutes]),
      );
      return campaigns.findOneAndUpdate(
        { _id: id, accountId },
        { $set: { ...set, ...perOutcome } },
        { returnDocument: "after" },
      );
    },

    /**
     * The active campaigns among `ids`, for the dispatcher: it asks only for
     * campaigns with waiting leads, a page at a time, never for every one.
     */
    async listActiveAmong(ids: readonly ObjectId[]): Promise<CampaignDoc[]> {
      if (ids.length === 0) return [];
      return campaigns.find({ _id: { $in: [...ids] }, status: "active" }).toArray();
    },
  };
}

export type CampaignRepository = ReturnType<typeof createCampaignRepository>;
