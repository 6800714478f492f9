import type { SuppressionSource } from "@leadline/core";
import { MongoBulkWriteError, ObjectId, type Filter } from "mongodb";
import type { Collections } from "./collections.ts";
import { duplicateKeyIndexes } from "./database-errors.ts";
import type { SuppressionDoc } from "./documents.ts";

/** Which entries apply to a lead of `campaignId`: the account's and the campaign's own. */
const applyingTo = (accountId: ObjectId, campaignId: ObjectId) => ({
  accountId,
  campaignId: { $in: [null, campaignId] },
});

/**
 * Do-not-call entries. The unique `{accountId, phoneNumber, campaignId}`
 * index decides whether an entry exists, so adding a number twice, even
 * from two requests at once, stores it once.
 */
export function createSuppressionRepository({ suppressions }: Collections) {
  return {
    /**
     * Adds entries with one upsert per number in one unordered bulk write.
     * An upsert that loses a race with a concurrent one gets a duplicate-key
     * error: the entry exists, which is what was asked.
     */
    async add(input: {
      accountId: ObjectId;
      campaignId: ObjectId | null;
      phoneNumbers: readonly string[];
      reason?: string;
      source: SuppressionSource;
    }): Promise<{ added: number; alreadySuppressed: number }> {
      const phones = [...new Set(input.phoneNumbers)];
      const now = new Date();
      const operations = phones.map((phoneNumber) => {
        const entry: Omit<SuppressionDoc, "_id" | "accountId" | "campaignId" | "phoneNumber"> = {
          source: input.source,
          createdAt: now,
        };
        if (input.reason !== undefined) entry.reason = input.reason;
        return {
          updateOne: {
            filter: { accountId: input.accountId, campaignId: input.campaignId, phoneNumber },
            update: { $setOnInsert: { _id: new ObjectId(), ...entry } },
            upsert: true,
          },
        };
      });
      let upserted: number;
      try {
        upserted = (await suppressions.bulkWrite(operations, { ordered: false })).upsertedCount;
      } catch (error) {
        if (!(error instanceof MongoBulkWriteError) || !duplicateKeyIndexes(error)) throw error;
        upserted = error.result.upsertedCount;
      }
      // Repeats inside the request count as already suppressed, so the two numbers add up to the request's.
      return { added: upserted, alreadySuppressed: input.phoneNumbers.length - upserted };
    },

    async remove(input: { accountId: ObjectId; campaignId: ObjectId | null; phoneNumbers: readonly string[] }) {
      const result = await suppressions.deleteMany({
        accountId: input.accountId,
        campaignId: input.campaignId,
        phoneNumber: { $in: [...input.phoneNumbers] },
      });
      return { removed: result.deletedCount };
    },

    /** Of `phoneNumbers`, those suppressed for `campaignId`: one indexed query. */
    async suppressedAmong(accountId: ObjectId, campaignId: ObjectId, phoneNumbers: readonly string[]) {
      if (phoneNumbers.length === 0) return new Set<string>();
      const entries = await suppressions
        .find(
          { ...applyingTo(accountId, campaignId), phoneNumber: { $in: [...new Set(phoneNumbers)] } },
          { projection: { phoneNumber: 1 } },
        )
        .toArray();
      return new Set(entries.map((entry) => entry.phoneNumber));
    },

    /** The first entry that forbids calling `phoneNumber` in `campaignId`, or null. */
    async findApplying(accountId: ObjectId, campaignId: ObjectId, phoneNumber: string): Promise<SuppressionDoc | null> {
      return suppressions.findOne({ ...applyingTo(accountId, campaignId), phoneNumber });
    },

    /** Entries for a number: every one of the account's, or those that apply to `campaignId`. */
    async entriesFor(accountId: ObjectId, phoneNumber: string, campaignId?: ObjectId): Promise<SuppressionDoc[]> {
      const filter: Filter<SuppressionDoc> = campaignId
        ? { ...applyingTo(accountId, campaignId), phoneNumber }
        : { accountId, phoneNumber };
      return suppressions.find(filter).sort({ _id: 1 }).limit(1000).toArray();
    },

    /** One page in `_id` order after `afterId`; `campaignId` undefined lists every entry of the account. */
    async listPage(query: {
      accountId: ObjectId;
      campaignId?: ObjectId;
      afterId?: ObjectId;
      limit: number;
    }): Promise<SuppressionDoc[]> {
      const filter: Filter<SuppressionDoc> = { accountId: query.accountId };
      if (query.campaignId) filter.campaignId = query.campaignId;
      if (query.afterId) filter._id = { $gt: query.afterId };
      return suppressions.find(filter).sort({ _id: 1 }).limit(query.limit).toArray();
    },
  };
}

export type SuppressionRepository = ReturnType<typeof createSuppressionRepository>;
