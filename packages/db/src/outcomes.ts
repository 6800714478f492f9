import { OUTCOME_HISTORY_LIMIT, OUTCOME_ACCEPTING_STATES, type OutcomeTransition } from "@leadline/core";
import type { Filter, ObjectId, UpdateFilter } from "mongodb";
import type { Collections } from "./collections.ts";
import type { CampaignDoc, LeadDoc, OutcomeEntry } from "./documents.ts";
import { parseObjectId } from "./campaigns.ts";
import { takenOverFrom } from "./hand-off-replays.ts";
import { createLeadEvents, isLeadEventState, leadEventFor } from "./lead-events.ts";

/** The changes a transition makes, beside the state. */
function transitionFields(transition: OutcomeTransition, now: Date): Partial<LeadDoc> {
  switch (transition.state) {
    case "completed":
      return { completedAt: now };
    case "suppressed":
      return { suppressedAt: now, suppressionReason: transition.reason };
    case "failed":
      return { failedAt: now, lastError: transition.error };
    case "pending":
      return { nextAttemptAt: transition.nextAttemptAt };
  }
}

/**
 * Call outcomes on leads. Every change is one conditional update on the
 * lead: it applies only while the lead's latest hand-off is the reported
 * attempt and no outcome for that attempt is recorded, so replays and
 * concurrent reports apply once, and a report for an older hand-off never
 * overwrites what a newer one did. No transaction is needed.
 */
export function createOutcomeRepository(collections: Collections) {
  const { leads, campaigns } = collections;
  const events = createLeadEvents(collections);
  return {
    /** The account's leads among `leadIds`, by id; ids that are not ObjectIds simply miss. */
    async findOwnedLeads(accountId: ObjectId, leadIds: readonly string[]): Promise<Map<string, LeadDoc>> {
      const ids = [...new Set(leadIds)].flatMap((id) => parseObjectId(id) ?? []);
      if (ids.length === 0) return new Map();
      const found = await leads.find({ _id: { $in: ids }, accountId }).toArray();
      return new Map(found.map((lead) => [lead._id.toHexString(), lead]));
    },

    async findCampaigns(ids: readonly ObjectId[]): Promise<Map<string, CampaignDoc>> {
      const found = await campaigns.find({ _id: { $in: [...ids] } }).toArray();
      return new Map(found.map((campaign) => [campaign._id.toHexString(), campaign]));
    },

    /**
     * Records `entry` and moves the lead; false when the lead was not at
     * that attempt or already had its outcome. A terminal transition
     * (completed, suppressed, failed) sends its lead event: marked on the
     * lead by this same update, then written to the outbox, only when the
     * update applied (see `lead-events.ts`): two concurrent reports of one
     * outcome apply once and send one event.
     */
    async apply(lead: LeadDoc, entry: OutcomeEntry, transition: OutcomeTransition): Promise<boolean> {
      const now = entry.reportedAt;
      const event = isLeadEventState(transition.state)
        ? leadEventFor(lead._id, transition.state, entry.attempt, new Date())
        : undefined;
      const update: UpdateFilter<LeadDoc> = {
        $set: {
          state: transition.state,
          attempts: entry.attempt,
          settledAttempts: entry.attempt,
          lastOutcome: entry.outcome,
          updatedAt: now,
          ...transitionFields(transition, now),
          ...(event && { pendingEvent: event }),
        },
        $unset: { leaseOwner: "", leaseExpiresAt: "" },
        $push: { outcomes: { $each: [entry], $slice: -OUTCOME_HISTORY_LIMIT } },
      };
      const filter: Filter<LeadDoc> = {
        _id: lead._id,
        accountId: lead.accountId,
        // At that attempt, or repeating it: a claim that took over a dead worker's hand-off and is
        // about to bring its attempt back (`hand-off-replays.ts`); the update does that itself.
        $or: [{ attempts: entry.attempt, state: { $in: [...OUTCOME_ACCEPTING_STATES] } }, takenOverFrom(entry.attempt)],
        "outcomes.attempt": { $ne: entry.attempt },
      };
      if (!event) return (await leads.updateOne(filter, update)).modifiedCount === 1;
      // The same one round trip, answering the lead as changed: the event's payload.
      const changed = await leads.findOneAndUpdate(filter, update, { returnDocument: "after" });
      if (!changed) return false;
      await events.publish(changed);
      return true;
    },

    /** The lead as stored now, to tell why an outcome did not apply. */
    async reload(lead: LeadDoc): Promise<LeadDoc | null> {
      return leads.findOne({ _id: lead._id, accountId: lead.accountId });
    },
  };
}

export type OutcomeRepository = ReturnType<typeof createOutcomeRepository>;
