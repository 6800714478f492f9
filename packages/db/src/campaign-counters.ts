import type { ObjectId } from "mongodb";
import type { Collections } from "./collections.ts";
import { isDuplicateKey } from "./database-errors.ts";

/**
 * Each account's campaign count, in one document per account, so that a cap
 * holds under concurrent creates without transactions: a slot is taken with
 * one guarded `$inc` (`campaigns < max`), which the server applies to the
 * document atomically, so N racing creates take at most the slots left. A
 * count followed by an insert would let all N see room and overshoot.
 *
 * An account whose counter does not exist yet (created before the cap, or
 * through the seed) gets one set to its stored campaigns, once: the first
 * insert wins, and none can be taken before it exists, so that count misses
 * no campaign created through the counter.
 */
export function createCampaignCounters({
  campaigns,
  campaignCounters,
}: Pick<Collections, "campaigns" | "campaignCounters">) {
  return {
    /** Takes one of the account's `max` campaign slots; false when all are taken. */
    async reserve(accountId: ObjectId, max: number): Promise<boolean> {
      for (let round = 0; round < 2; round++) {
        const taken = await campaignCounters.updateOne(
          { _id: accountId, campaigns: { $lt: max } },
          { $inc: { campaigns: 1 } },
        );
        if (taken.modifiedCount === 1) return true;
        if ((await campaignCounters.countDocuments({ _id: accountId }, { limit: 1 })) > 0) return false;
        const stored = await campaigns.countDocuments({ accountId });
        await campaignCounters.insertOne({ _id: accountId, campaigns: stored }).catch((error: unknown) => {
          // Another create set it up first: its count is as good as ours.
          if (!isDuplicateKey(error)) throw error;
        });
      }
      return false;
    },

    /** Gives a slot back when the campaign it was taken for was not stored. */
    async release(accountId: ObjectId): Promise<void> {
      await campaignCounters.updateOne({ _id: accountId, campaigns: { $gt: 0 } }, { $inc: { campaigns: -1 } });
    },
  };
}
