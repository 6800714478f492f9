import type { ObjectId } from "mongodb";
import type { Collections } from "./collections.ts";
import type { LeadDoc } from "./documents.ts";

export interface ClaimRequest {
  workerId: string;
  /** Campaigns that may call now (active, inside their calling hours). */
  campaignIds: ObjectId[];
  leaseMs: number;
  now: Date;
}

/**
 * The leads' hand-off queue. Every transition is conditional on the state
 * (and lease owner) it expects, so a worker whose lease ran out cannot
 * overwrite what the lead's new owner did.
 */
export function createDispatchQueue({ leads }: Collections) {
  const heldBy = (lead: LeadDoc, workerId: string) => ({
    _id: lead._id,
    state: "dispatching" as const,
    leaseOwner: workerId,
  });

  // A lead whose lease expired (its worker died) is due again.
  const dueIn = (campaignIds: ObjectId[], now: Date) => ({
    campaignId: { $in: campaignIds },
    $or: [
      { state: "pending" as const, nextAttemptAt: { $lte: now } },
      { state: "dispatching" as const, leaseExpiresAt: { $lte: now } },
    ],
  });

  return {
    /**
     * Atomically leases the next due lead: highest priority, then earliest
     * schedule, then oldest.
     */
    async claimNext({ workerId, campaignIds, leaseMs, now }: ClaimRequest): Promise<LeadDoc | null> {
      if (campaignIds.length === 0) return null;
      return leads.findOneAndUpdate(
        dueIn(campaignIds, now),
        {
          $set: {
            state: "dispatching",
            leaseOwner: workerId,
            leaseExpiresAt: new Date(now.getTime() + leaseMs),
            updatedAt: now,
          },
          $inc: { attempts: 1 },
        },
        { sort: { priority: -1, scheduledFor: 1, _id: 1 }, returnDocument: "after" },
      );
    },

    /** How many leads of these campaigns are due now: the backlog a metrics gauge samples. */
    async countDue(campaignIds: ObjectId[], now: Date): Promise<number> {
      if (campaignIds.length === 0) return 0;
      return leads.countDocuments(dueIn(campaignIds, now));
    },

    /** Records several hand-offs in one round trip; returns how many this worker still held. */
    async markManyDispatched(leadIds: ObjectId[], workerId: string): Promise<number> {
      const now = new Date();
      const result = await leads.updateMany(
        { _id: { $in: leadIds }, state: "dispatching", leaseOwner: workerId },
        {
          $set: { state: "dispatched", dispatchedAt: now, updatedAt: now },
          $unset: { leaseOwner: "", leaseExpiresAt: "", lastError: "" },
        },
      );
      return result.modifiedCount;
    },

    async scheduleRetry(lead: LeadDoc, workerId: string, error: string, nextAttemptAt: Date): Promise<boolean> {
      const result = await leads.updateOne(heldBy(lead, workerId), {
        $set: { state: "pending", nextAttemptAt, lastError: error, updatedAt: new Date() },
        $unset: { leaseOwner: "", leaseExpiresAt: "" },
      });
      return result.modifiedCount === 1;
    },

    async markFailed(lead: LeadDoc, workerId: string, error: string): Promise<boolean> {
      const now = new Date();
      const result = await leads.updateOne(heldBy(lead, workerId), {
        $set: { state: "failed", lastError: error, failedAt: now, updatedAt: now },
        $unset: { leaseOwner: "", leaseExpiresAt: "" },
      });
      return result.modifiedCount === 1;
    },

    /** Gives a lease back untried (shutdown): due now, and the attempt not counted. */
    async release(lead: LeadDoc, workerId: string): Promise<boolean> {
      const result = await leads.updateOne(heldBy(lead, workerId), {
        $set: { state: "pending", nextAttemptAt: new Date(), updatedAt: new Date() },
        $unset: { leaseOwner: "", leaseExpiresAt: "" },
        $inc: { attempts: -1 },
      });
      return result.modifiedCount === 1;
    },
  };
}

export type DispatchQueue = ReturnType<typeof createDispatchQueue>;
