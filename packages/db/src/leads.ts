import { byLeadState, type BulkCreateResult, type LeadState, type NewLead } from "@leadline/core";
import { MongoBulkWriteError, MongoServerError, ObjectId, type Filter } from "mongodb";
import type { Collections } from "./collections.ts";
import { parseObjectId } from "./campaigns.ts";
import type { CampaignDoc, LeadDoc } from "./documents.ts";

const DUPLICATE_KEY = 11000;

/** A write failed for a reason other than a duplicate phone; some leads may be stored. */
export class LeadWriteError extends Error {
  constructor(message: string, options: { cause: unknown }) {
    super(message, options);
    this.name = "LeadWriteError";
  }
}

/** The stored form of a validated lead. */
export function toLeadDoc(campaign: CampaignDoc, lead: NewLead, now: Date): LeadDoc {
  const doc: LeadDoc = {
    _id: new ObjectId(),
    accountId: campaign.accountId,
    campaignId: campaign._id,
    phoneNumber: lead.phoneNumber,
    priority: lead.priority,
    state: "pending",
    attempts: 0,
    nextAttemptAt: lead.scheduledFor ?? now,
    createdAt: now,
    updatedAt: now,
  };
  if (lead.externalId !== undefined) doc.externalId = lead.externalId;
  if (lead.metadata !== undefined) doc.metadata = lead.metadata;
  if (lead.scheduledFor !== undefined) doc.scheduledFor = lead.scheduledFor;
  return doc;
}

/**
 * Indexes of the documents the database refused as duplicates. Throws when
 * anything else went wrong, since then we cannot say what was stored.
 */
function duplicateIndexes(error: unknown, docCount: number): Set<number> {
  if (error instanceof MongoBulkWriteError) {
    const writeErrors = Array.isArray(error.writeErrors) ? error.writeErrors : [error.writeErrors];
    const other = writeErrors.find((writeError) => writeError.code !== DUPLICATE_KEY);
    const writeConcernFailed = Boolean(error.result?.getWriteConcernError());
    if (!other && !writeConcernFailed && writeErrors.length > 0) {
      return new Set(writeErrors.map((writeError) => writeError.index));
    }
  } else if (error instanceof MongoServerError && error.code === DUPLICATE_KEY && docCount === 1) {
    return new Set([0]);
  }
  throw new LeadWriteError("inserting leads failed", { cause: error });
}

/** Where an import's leads come from: the job, and each lead's file line (same order as the leads). */
export interface ImportOrigin {
  importId: ObjectId;
  lines: readonly number[];
}

export function createLeadRepository({ leads }: Collections) {
  return {
    /**
     * Stores leads with one unordered `insertMany`. The unique
     * `{campaignId, phoneNumber}` index decides duplicates, against stored
     * leads and within the batch alike, so concurrent callers never store a
     * phone twice. Counts come from the write errors' indexes, never from
     * the server's `n`, which some servers report wrongly on partial failure.
     * Import jobs pass their `origin`, stamped on each lead.
     */
    async insertSkippingDuplicates(
      campaign: CampaignDoc,
      newLeads: readonly NewLead[],
      origin?: ImportOrigin,
    ): Promise<BulkCreateResult> {
      const now = new Date();
      const docs = newLeads.map((lead, index) => ({
        ...toLeadDoc(campaign, lead, now),
        ...(origin && { importId: origin.importId, importLine: origin.lines[index] }),
      }));
      let skipped = new Set<number>();
      try {
        await leads.insertMany(docs, { ordered: false });
      } catch (error) {
        skipped = duplicateIndexes(error, docs.length);
      }
      const createdIds: string[] = [];
      const skippedPhones: string[] = [];
      docs.forEach((doc, index) => {
        if (skipped.has(index)) skippedPhones.push(doc.phoneNumber);
        else createdIds.push(doc._id.toHexString());
      });
      return { created: createdIds.length, skipped: skippedPhones.length, createdIds, skippedPhones };
    },

    /**
     * The file lines past `afterLine` whose leads an import already stored:
     * rows a resumed job must count as its own, not as duplicates.
     */
    async importedLinesAfter(campaignId: ObjectId, importId: ObjectId, afterLine: number): Promise<Set<number>> {
      const stored = await leads
        .find({ campaignId, importId, importLine: { $gt: afterLine } }, { projection: { importLine: 1 } })
        .toArray();
      return new Set(stored.map((lead) => lead.importLine ?? 0));
    },

    async countByCampaign(campaignId: ObjectId): Promise<number> {
      return leads.countDocuments({ campaignId });
    },

    /**
     * One page of a campaign's leads in `_id` order, starting after `afterId`.
     * Keyset paging: a lead that existed when paging began is returned exactly
     * once, however many leads arrive meanwhile.
     */
    async listPage(query: {
      accountId: ObjectId;
      campaignId: ObjectId;
      state?: LeadState;
      afterId?: ObjectId;
      limit: number;
    }): Promise<LeadDoc[]> {
      const filter: Filter<LeadDoc> = { campaignId: query.campaignId, accountId: query.accountId };
      if (query.state) filter.state = query.state;
      if (query.afterId) filter._id = { $gt: query.afterId };
      return leads.find(filter).sort({ _id: 1 }).limit(query.limit).toArray();
    },

    async findOwned(accountId: ObjectId, leadId: string): Promise<LeadDoc | null> {
      const id = parseObjectId(leadId);
      return id ? leads.findOne({ _id: id, accountId }) : null;
    },

    /** Lead counts of a campaign by state. */
    async countByState(campaignId: ObjectId): Promise<Record<LeadState, number>> {
      const counts = byLeadState(() => 0);
      const groups = await leads
        .aggregate<{
          _id: LeadState;
          count: number;
        }>([{ $match: { campaignId } }, { $group: { _id: "$state", count: { $sum: 1 } } }])
        .toArray();
      for (const group of groups) counts[group._id] = group.count;
      return counts;
    },
  };
}

export type LeadRepository = ReturnType<typeof createLeadRepository>;
