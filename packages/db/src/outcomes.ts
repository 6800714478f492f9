import type { LeadTransitionName, OutcomeTransition } from "@leadline/core";
import type { Filter, ObjectId } from "mongodb";
import type { Collections } from "./collections.ts";
import type { CampaignDoc, LeadDoc, OutcomeEntry } from "./documents.ts";
import { parseObjectId } from "./campaigns.ts";
import { takenOverFrom } from "./hand-off-replays.ts";
import { createLeadTransitions, type TransitionRequest } from "./lead-lifecycle/transition.ts";

type Request<TName extends LeadTransitionName> = Omit<TransitionRequest<TName>, "values">;

/** The lifecycle row an outcome's transition is, applied with its values. */
function applyOutcome(
  transitions: ReturnType<typeof createLeadTransitions>,
  transition: OutcomeTransition,
  request: Request<"completed">,
): Promise<boolean> {
  switch (transition.state) {
    case "completed":
      return transitions.one("completed", { ...request, values: {} });
    case "suppressed":
      return transitions.one("outcomeSuppressed", { ...request, values: { suppressionReason: transition.reason } });
    case "failed":
      return transitions.one("outcomeFailed", { ...request, values: { lastError: transition.error } });
    case "pending":
      return transitions.one("outcomeRetry", { ...request, values: { nextAttemptAt: transition.nextAttemptAt } });
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
  const transitions = createLeadTransitions(collections);
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
     * update applied (see `lead-lifecycle/lead-events.ts`): two concurrent reports of one
     * outcome apply once and send one event.
     */
    async apply(lead: LeadDoc, entry: OutcomeEntry, transition: OutcomeTransition): Promise<boolean> {
      const where: Filter<LeadDoc> = {
        _id: lead._id,
        accountId: lead.accountId,
        // At that attempt (in a state that takes outcomes: the table's), or repeating it: a claim that
        // took over a dead worker's hand-off and is about to bring its attempt back (`hand-off-replays.ts`).
        $or: [{ attempts: entry.attempt }, takenOverFrom(entry.attempt)],
        "outcomes.attempt": { $ne: entry.attempt },
      };
      return applyOutcome(transitions, transition, {
        where,
        now: entry.reportedAt,
        attempt: entry.attempt,
        outcome: entry,
      });
    },

    /** The lead as stored now, to tell why an outcome did not apply. */
    async reload(lead: LeadDoc): Promise<LeadDoc | null> {
      return leads.findOne({ _id: lead._id, accountId: lead.accountId });
    },
  };
}

export type OutcomeRepository = ReturnType<typeof createOutcomeRepository>;
