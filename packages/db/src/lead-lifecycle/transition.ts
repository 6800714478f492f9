import {
  LEAD_TRANSITIONS,
  OUTCOME_HISTORY_LIMIT,
  type LeadTransitionName,
  type LeadTransitionRule,
  type LeadTransitionSets,
} from "@leadline/core";
import type { Filter, UpdateFilter } from "mongodb";
import type { Collections } from "../collections.ts";
import type { LeadDoc, OutcomeEntry } from "../documents.ts";
import { createLeadEvents, leadEventFor } from "./lead-events.ts";

/** What one transition of `TName` is applied with. */
export interface TransitionRequest<TName extends LeadTransitionName> {
  /** Which leads, and what else they must match (a lease owner, an attempt); the table's start states are added. */
  where: Filter<LeadDoc>;
  /** The transition's time: `updatedAt`, the row's stamp, and the event's. */
  now: Date;
  /** A value for each field the row sets. */
  values: { [TField in LeadTransitionSets<TName>]: NonNullable<LeadDoc[TField]> };
  /** The hand-off the transition concludes: what `attempts: "set"` and `settledAttempts: "set"` write and the event is named by. */
  attempt?: number;
  /** The reported outcome, for a row that records one. */
  outcome?: OutcomeEntry;
}

const ruleOf = (name: LeadTransitionName): LeadTransitionRule => LEAD_TRANSITIONS[name];

function attemptOf(name: LeadTransitionName, attempt: number | undefined): number {
  if (attempt === undefined) throw new Error(`the ${name} transition needs the attempt it concludes`);
  return attempt;
}

/**
 * The guarded filter of `name`: `where`, and the lead in one of the row's start states. A single
 * start state is written as an equality, the shape the claim indexes serve.
 */
export function transitionFilter(name: LeadTransitionName, where: Filter<LeadDoc>): Filter<LeadDoc> {
  const { from } = ruleOf(name);
  if (from === "any") return where;
  const state = from.length === 1 ? from[0] : { $in: [...from] };
  return ("state" in where ? { $and: [where, { state }] } : { ...where, state }) as Filter<LeadDoc>;
}

/** The update of `name`, built from its row: the state, the row's fields, attempts, the owed event. */
export function transitionUpdate<TName extends LeadTransitionName>(
  name: TName,
  request: Omit<TransitionRequest<TName>, "where">,
  leadId?: LeadDoc["_id"],
): UpdateFilter<LeadDoc> {
  const rule = ruleOf(name);
  if (rule.to === null) throw new Error(`the ${name} transition deletes the lead: it has no update`);
  const set: Record<string, unknown> = { state: rule.to, updatedAt: request.now, ...request.values };
  if (rule.stamps) set[rule.stamps] = request.now;
  if (rule.attempts === "set") set.attempts = attemptOf(name, request.attempt);
  if (rule.settledAttempts === "set") set.settledAttempts = attemptOf(name, request.attempt);
  if (rule.event) {
    if (!leadId) throw new Error(`the ${name} transition sends an event: it applies to one lead`);
    set.pendingEvent = leadEventFor(leadId, rule.event, attemptOf(name, request.attempt), request.now);
  }
  const update: UpdateFilter<LeadDoc> = { $set: set as Partial<LeadDoc> };
  if (rule.clears.length > 0) update.$unset = Object.fromEntries(rule.clears.map((field) => [field, ""]));
  if (rule.attempts === "count" || rule.attempts === "uncount") {
    update.$inc = { attempts: rule.attempts === "count" ? 1 : -1 };
  }
  if (rule.recordsOutcome) {
    if (!request.outcome) throw new Error(`the ${name} transition records an outcome: none was given`);
    set.lastOutcome = request.outcome.outcome;
    update.$push = { outcomes: { $each: [request.outcome], $slice: -OUTCOME_HISTORY_LIMIT } };
  }
  return update;
}

/**
 * The one writer of a lead's `state`: every change is a row of
 * `LEAD_TRANSITIONS`, applied as one conditional update guarded by the row's
 * start states and the caller's `where`, so a worker whose lease ran out, a
 * replayed outcome or a lead deleted meanwhile finds nothing to change.
 *
 * A row that sends an event follows the lead events' protocol
 * (`lead-events.ts`): the same update marks the event owed on the lead, and
 * only an update that applied writes it to the outbox.
 *
 * @example
 * await transitions.one("handOffFailed", { where: { _id, leaseOwner }, now, values: { lastError }, attempt });
 */
export function createLeadTransitions(collections: Pick<Collections, "leads" | "outboxEvents">) {
  const { leads } = collections;
  const events = createLeadEvents(collections);
  return {
    /** Applies `name` to the one lead `where` names; true when it applied. */
    async one<TName extends LeadTransitionName>(name: TName, request: TransitionRequest<TName>): Promise<boolean> {
      const filter = transitionFilter(name, request.where);
      if (ruleOf(name).to === null) return (await leads.deleteOne(filter)).deletedCount === 1;
      const leadId = request.where._id as LeadDoc["_id"] | undefined;
      const update = transitionUpdate(name, request, leadId);
      if (!ruleOf(name).event) return (await leads.updateOne(filter, update)).modifiedCount === 1;
      // The same one round trip, answering the lead as changed: the event's payload.
      const changed = await leads.findOneAndUpdate(filter, update, { returnDocument: "after" });
      if (!changed) return false;
      await events.publish(changed);
      return true;
    },

    /** Applies `name` to every lead `where` matches (a row without an event); answers how many it changed. */
    async many<TName extends LeadTransitionName>(name: TName, request: TransitionRequest<TName>): Promise<number> {
      const filter = transitionFilter(name, request.where);
      if (ruleOf(name).to === null) return (await leads.deleteMany(filter)).deletedCount;
      return (await leads.updateMany(filter, transitionUpdate(name, request))).modifiedCount;
    },
  };
}

export type LeadTransitions = ReturnType<typeof createLeadTransitions>;
