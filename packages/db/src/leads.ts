import {
  CALL_OUTCOMES,
  CREATED_LEAD_STATE,
  byLeadState,
  zoneKeyOf,
  type BulkCreateResult,
  type CallOutcome,
  type LeadState,
  type NewLead,
} from "@leadline/core";
import { ObjectId, type Filter } from "mongodb";
import type { Collections } from "./collections.ts";
import { parseObjectId } from "./campaigns.ts";
import { duplicateKeyIndexes, isDuplicateKey } from "./database-errors.ts";
import type { CampaignDoc, LeadDoc } from "./documents.ts";

/** A write failed for a reason other than a duplicate phone; some leads may be stored. */
export class LeadWriteError extends Error {
  constructor(message: string, options: { cause: unknown }) {
    super(message, options);
    this.name = "LeadWriteError";
  }
}

/** What one lead of a bulk insert came to, tagged by status; `id` is absent in a dry run. */
export type LeadInsertResult = { status: "created"; id?: string } | { status: "duplicate" } | { status: "suppressed" };

/** The bulk answer's counts and lists, plus each lead's outcome in input order. */
export type BulkInsertResult = BulkCreateResult & { outcomes: LeadInsertResult[] };

const NO_ZONES: readonly string[] = Object.freeze([]);

/**
 * The stored form of a validated lead, with the zones its number maps to (none when unknown or
 * country-wide). An explicit `timeZone` wins over the number's zones. `zones` is stored as given,
 * not copied: the zone table hands out one frozen array per prefix, and a document is serialised
 * and dropped, never changed in place.
 */
export function toLeadDoc(campaign: CampaignDoc, lead: NewLead, now: Date, numberZones = NO_ZONES): LeadDoc {
  const zones = lead.timeZone ? [lead.timeZone] : numberZones;
  const doc: LeadDoc = {
    _id: new ObjectId(),
    accountId: campaign.accountId,
    campaignId: campaign._id,
    phoneNumber: lead.phoneNumber,
    priority: lead.priority,
    state: CREATED_LEAD_STATE,
    attempts: 0,
    nextAttemptAt: lead.scheduledFor ?? now,
    zones: zones as string[],
    zoneKey: zoneKeyOf(zones),
    createdAt: now,
    updatedAt: now,
  };
  if (lead.externalId !== undefined) doc.externalId = lead.externalId;
  if (lead.metadata !== undefined) doc.metadata = lead.metadata;
  if (lead.scheduledFor !== undefined) doc.scheduledFor = lead.scheduledFor;
  if (lead.timeZone !== undefined) doc.timeZone = lead.timeZone;
  return doc;
}

/**
 * Indexes of the documents the database refused as duplicates. Throws when
 * anything else went wrong, since then we cannot say what was stored.
 */
function duplicateIndexes(error: unknown, docCount: number): Set<number> {
  const indexes = duplicateKeyIndexes(error);
  if (indexes) return new Set(indexes);
  if (docCount === 1 && isDuplicateKey(error)) return new Set([0]);
  throw new LeadWriteError("inserting leads failed", { cause: error });
}

/** Where an import's leads come from: the job, and each lead's file line (same order as the leads). */
export interface ImportOrigin {
  importId: ObjectId;
  lines: readonly number[];
}

export interface InsertOptions {
  /**
   * The Idempotency-Key record of this request. Stored on each new lead; a
   * duplicate whose stored lead carries it was stored by an earlier attempt
   * of this same request (one that died before its answer was kept), and
   * counts as created, with the stored id, as it would have then.
   */
  createdByRequest?: ObjectId;
  /** Numbers the campaign must not call: not stored, counted as skipped and listed as suppressed. */
  suppressed?: ReadonlySet<string>;
  /** An import job's leads: stamped with the job and their file lines. */
  origin?: ImportOrigin;
  /** The recipient zones of a number (the zone table's `zonesOf`); without it, leads are stored without zones. */
  zonesOf?: (phoneNumber: string) => readonly string[];
}

/**
 * Of the leads refused as duplicates, those an earlier attempt of the same
 * request stored: index → stored id, only the first index per phone (later
 * ones were duplicates within the request in the first attempt too).
 */
async function storedByRequest(
  leads: Collections["leads"],
  campaignId: ObjectId,
  docs: readonly LeadDoc[],
  skipped: ReadonlySet<number>,
  requestId: ObjectId,
): Promise<Map<number, ObjectId>> {
  const own = new Map<number, ObjectId>();
  if (skipped.size === 0) return own;
  const phones = [...new Set([...skipped].map((index) => docs[index]!.phoneNumber))];
  const stored = await leads
    .find({ campaignId, phoneNumber: { $in: phones }, createdByRequest: requestId }, { projection: { phoneNumber: 1 } })
    .toArray();
  const idByPhone = new Map(stored.map((lead) => [lead.phoneNumber, lead._id]));
  const seen = new Set<string>();
  docs.forEach((doc, index) => {
    if (seen.has(doc.phoneNumber)) return;
    seen.add(doc.phoneNumber);
    const id = skipped.has(index) ? idByPhone.get(doc.phoneNumber) : undefined;
    if (id) own.set(index, id);
  });
  return own;
}

export function createLeadRepository({ leads }: Collections) {
  return {
    /**
     * Stores leads with one unordered `insertMany`. The unique
     * `{campaignId, phoneNumber}` index decides duplicates, against stored
     * leads and within the batch alike, so concurrent callers never store a
     * phone twice. Counts come from the write errors' indexes, never from
     * the server's `n`, which some servers report wrongly on partial failure.
     * Leads whose number is in `suppressed` are not stored: they count as
     * skipped and are listed in `suppressedPhones` as well. Import jobs pass
     * their `origin`, stamped on each lead.
     */
    async insertSkippingDuplicates(
      campaign: CampaignDoc,
      newLeads: readonly NewLead[],
      options: InsertOptions = {},
    ): Promise<BulkInsertResult> {
      const now = new Date();
      const suppressed = options.suppressed ?? new Set<string>();
      const { zonesOf, createdByRequest, origin } = options;
      // One pass over the leads: each document, stamped, and (unless suppressed) queued for the
      // insert with where it stands in `docs`.
      const docs: LeadDoc[] = [];
      const toInsert: LeadDoc[] = [];
      const positions: number[] = [];
      newLeads.forEach((lead, index) => {
        const doc = toLeadDoc(campaign, lead, now, zonesOf?.(lead.phoneNumber));
        if (createdByRequest) doc.createdByRequest = createdByRequest;
        if (origin) {
          doc.importId = origin.importId;
          doc.importLine = origin.lines[index];
        }
        docs.push(doc);
        if (suppressed.has(doc.phoneNumber)) return;
        toInsert.push(doc);
        positions.push(index);
      });
      let duplicates = new Set<number>();
      if (toInsert.length > 0) {
        try {
          await leads.insertMany(toInsert, { ordered: false });
        } catch (error) {
          duplicates = duplicateIndexes(error, toInsert.length);
        }
      }
      // Indexes in `docs` of the documents refused as duplicates, in request order.
      const skipped = new Set<number>();
      if (duplicates.size > 0) {
        positions.forEach((position, at) => {
          if (duplicates.has(at)) skipped.add(position);
        });
      }
      const ownEarlier = createdByRequest
        ? await storedByRequest(leads, campaign._id, docs, skipped, createdByRequest)
        : new Map<number, ObjectId>();
      const createdIds: string[] = [];
      const skippedPhones: string[] = [];
      const suppressedPhones: string[] = [];
      const outcomes = docs.map((doc, index): LeadInsertResult => {
        const phone = doc.phoneNumber;
        if (suppressed.has(phone)) {
          skippedPhones.push(phone);
          suppressedPhones.push(phone);
          return { status: "suppressed" };
        }
        if (skipped.has(index) && !ownEarlier.has(index)) {
          skippedPhones.push(phone);
          return { status: "duplicate" };
        }
        const id = (ownEarlier.get(index) ?? doc._id).toHexString();
        createdIds.push(id);
        return { status: "created", id };
      });
      return {
        created: createdIds.length,
        skipped: skippedPhones.length,
        createdIds,
        skippedPhones,
        suppressedPhones,
        outcomes,
      };
    },

    /**
     * What {@link insertSkippingDuplicates} would do with these leads, writing
     * nothing: one read of the campaign's stored numbers among them, then the
     * same rules (suppressed first, then stored or earlier in the request is
     * a duplicate). `createdIds` stays empty. A concurrent writer can make the
     * real run differ; a dry run is a preview, not a reservation.
     */
    async planInsert(
      campaign: CampaignDoc,
      newLeads: readonly NewLead[],
      options: Pick<InsertOptions, "suppressed"> = {},
    ): Promise<BulkInsertResult> {
      const suppressed = options.suppressed ?? new Set<string>();
      const phones = [...new Set(newLeads.map((lead) => lead.phoneNumber).filter((phone) => !suppressed.has(phone)))];
      const stored = phones.length
        ? await leads
            .find({ campaignId: campaign._id, phoneNumber: { $in: phones } }, { projection: { phoneNumber: 1 } })
            .toArray()
        : [];
      const taken = new Set(stored.map((lead) => lead.phoneNumber));
      const skippedPhones: string[] = [];
      const suppressedPhones: string[] = [];
      let created = 0;
      const outcomes = newLeads.map(({ phoneNumber }): LeadInsertResult => {
        if (suppressed.has(phoneNumber)) {
          skippedPhones.push(phoneNumber);
          suppressedPhones.push(phoneNumber);
          return { status: "suppressed" };
        }
        if (taken.has(phoneNumber)) {
          skippedPhones.push(phoneNumber);
          return { status: "duplicate" };
        }
        taken.add(phoneNumber);
        created++;
        return { status: "created" };
      });
      return { created, skipped: skippedPhones.length, createdIds: [], skippedPhones, suppressedPhones, outcomes };
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

    /** Lead counts of a campaign by last reported outcome; leads without one are not counted. */
    async countByLastOutcome(campaignId: ObjectId): Promise<Record<CallOutcome, number>> {
      const counts = Object.fromEntries(CALL_OUTCOMES.map((outcome) => [outcome, 0])) as Record<CallOutcome, number>;
      const groups = await leads
        .aggregate<{
          _id: CallOutcome | null;
          count: number;
        }>([
          { $match: { campaignId, lastOutcome: { $exists: true } } },
          { $group: { _id: "$lastOutcome", count: { $sum: 1 } } },
        ])
        .toArray();
      for (const group of groups) if (group._id) counts[group._id] = group.count;
      return counts;
    },
  };
}

export type LeadRepository = ReturnType<typeof createLeadRepository>;
