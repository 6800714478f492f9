import type { ObjectId } from "mongodb";
import type { Collections } from "./collections.ts";
import { isDuplicateKey } from "./database-errors.ts";
import type { CampaignCounterDoc } from "./documents.ts";

/**
 * How long after a slot was taken its insert has surely ended, stored or
 * lost: far longer than any insert. Only a counter with no reservation for
 * this long is ever lowered, so an insert still under way is never undercounted.
 */
export const RESERVATION_SETTLED_MS = 60_000;

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
 *
 * A slot whose campaign was never stored (the process died between the two,
 * or the insert and the check that gives the slot back both failed) would
 * stay taken for ever: a create refused at the cap recounts, and lowers a
 * settled counter to the stored campaigns (see {@link RESERVATION_SETTLED_MS}).
 */
export function createCampaignCounters({
  campaigns,
  campaignCounters,
}: Pick<Collections, "campaigns" | "campaignCounters">) {
  async function take(accountId: ObjectId, max: number): Promise<boolean> {
    const taken = await campaignCounters.updateOne(
      { _id: accountId, campaigns: { $lt: max } },
      { $inc: { campaigns: 1 }, $set: { reservedAt: new Date() } },
    );
    return taken.modifiedCount === 1;
  }

  async function initialise(accountId: ObjectId): Promise<void> {
    const stored = await campaigns.countDocuments({ accountId });
    await campaignCounters.insertOne({ _id: accountId, campaigns: stored }).catch((error: unknown) => {
      // Another create set it up first: its count is as good as ours.
      if (!isDuplicateKey(error)) throw error;
    });
  }

  /**
   * Lowers `counter` to the account's stored campaigns when it counts slots
   * that were never used; true when it did. The compare-and-set on both
   * fields fails if any slot was taken or given back since `counter` was read.
   */
  async function repairLeaked(counter: CampaignCounterDoc): Promise<boolean> {
    if (!counter.reservedAt) {
      // Last reserved by a process that did not stamp: start the wait now rather than guess.
      await campaignCounters.updateOne(
        { _id: counter._id, reservedAt: { $exists: false } },
        { $set: { reservedAt: new Date() } },
      );
      return false;
    }
    if (Date.now() - counter.reservedAt.getTime() < RESERVATION_SETTLED_MS) return false;
    const stored = await campaigns.countDocuments({ accountId: counter._id });
    if (stored >= counter.campaigns) return false;
    const repaired = await campaignCounters.updateOne(
      { _id: counter._id, campaigns: counter.campaigns, reservedAt: counter.reservedAt },
      { $set: { campaigns: stored } },
    );
    return repaired.modifiedCount === 1;
  }

  return {
    /** Takes one of the account's `max` campaign slots; false when all are taken. */
    async reserve(accountId: ObjectId, max: number): Promise<boolean> {
      if (await take(accountId, max)) return true;
      const counter = await campaignCounters.findOne({ _id: accountId });
      if (counter === null) await initialise(accountId);
      else if (!(await repairLeaked(counter))) return false;
      return take(accountId, max);
    },

    /** Gives a slot back when the campaign it was taken for was not stored. */
    async release(accountId: ObjectId): Promise<void> {
      await campaignCounters.updateOne({ _id: accountId, campaigns: { $gt: 0 } }, { $inc: { campaigns: -1 } });
    },
  };
}
