import {
  DEFAULT_MAX_ATTEMPTS,
  DEFAULT_RETRY_POLICY,
  type CallingHours,
  type CampaignStatus,
  type RetryPolicy,
} from "@leadline/core";
import { ObjectId } from "mongodb";
import { createCampaignCounters } from "./campaign-counters.ts";
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

/** What a new campaign is made of: its owner, its name and any settings. */
export type NewCampaign = { accountId: ObjectId; name: string } & Omit<CampaignChanges, "name">;

/** What {@link CampaignRepository.createWithinCap} answers when the account already has its most campaigns. */
export const CAMPAIGN_LIMIT_REACHED = "campaign_limit_reached" as const;

export function createCampaignRepository(collections: Collections) {
  const { campaigns } = collections;
  const counters = createCampaignCounters(collections);

  /**
   * Stores a campaign unless its account has `max` already (see
   * `campaign-counters.ts` for why this holds under concurrent creates).
   * A crash between taking the slot and the insert leaves the slot taken
   * until a create refused at the cap finds it settled and gives it back:
   * the cap errs towards fewer campaigns for a while, never more.
   */
  async function createWithinCap(
    input: NewCampaign,
    max: number,
  ): Promise<CampaignDoc | typeof CAMPAIGN_LIMIT_REACHED> {
    if (!(await counters.reserve(input.accountId, max))) return CAMPAIGN_LIMIT_REACHED;
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
    try {
      await campaigns.insertOne(doc);
    } catch (error) {
      // Given back only when the campaign is seen not stored: a write cut off after it applied keeps its slot.
      const stored = await campaigns.countDocuments({ _id: doc._id }, { limit: 1 }).catch(() => 1);
      if (stored === 0) await counters.release(input.accountId).catch(() => undefined);
      throw error;
    }
    return doc;
  }

  return {
    /** Stores a campaign, counted against its account's cap but never refused: for seeds and tests. */
    async create(input: NewCampaign): Promise<CampaignDoc> {
      const created = await createWithinCap(input, Number.MAX_SAFE_INTEGER);
      if (created === CAMPAIGN_LIMIT_REACHED) throw new Error("campaign counter is past every limit");
      return created;
    },

    createWithinCap,

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
