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

  return {
    /**
     * Atomically leases the next due lead: highest priority, then earliest
     * schedule, then oldest. A lead whose lease expired (its worker died)
     * is due again.
     */
    async claimNext({ workerId, campaignIds, leaseMs, now }: ClaimRequest): Promise<LeadDoc | null> {
      if (campaignIds.length === 0) return null;
      return leads.findOneAndUpdate(
        {
          campaignId: { $in: campaignIds },
          $or: [
            { state: "pending", nextAttemptAt: { $lte: now } },
            { state: "dispatching", leaseExpiresAt: { $lte: now } },
          ],
        },
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
