import { describe, expect, it } from "vitest";
import {
  LEAD_STATES,
  LEAD_TRANSITIONS,
  type LeadState,
  type LeadTransitionName,
  type LeadTransitionRule,
} from "@leadline/core";
import { createLeadTransitions, ObjectId, type LeadDoc, type TransitionRequest } from "@leadline/db";
import { useTestDatabase } from "./support/database.ts";

/**
 * Every row of the lifecycle table, walked against the database from every state: from a start
 * state it applies exactly as the row says (end state, fields set, stamped and cleared, attempts,
 * the outcome recorded, the event sent); from any other state it changes nothing.
 */

const NOW = new Date("2026-03-02T10:00:00.000Z");
const EARLIER = new Date("2026-03-01T10:00:00.000Z");
/** The hand-off each transition concludes: unlike the lead's stored attempts and settled attempts. */
const ATTEMPT = 4;
const SAMPLE_VALUES = {
  leaseOwner: "walker",
  leaseToken: "walk-token",
  leaseExpiresAt: new Date("2026-03-02T10:05:00.000Z"),
  nextAttemptAt: new Date("2026-03-02T12:00:00.000Z"),
  lastError: "walked",
  suppressionReason: "walked",
  takeOvers: 3,
  takeOverAttempt: 4,
} as const;

const names = Object.keys(LEAD_TRANSITIONS) as LeadTransitionName[];
const ruleOf = (name: LeadTransitionName): LeadTransitionRule => LEAD_TRANSITIONS[name];
const startsFrom = (rule: LeadTransitionRule, state: LeadState) => rule.from === "any" || rule.from.includes(state);

/** A lead in `state` with every field a transition might set or clear already set. */
function leadIn(state: LeadState): LeadDoc {
  const accountId = new ObjectId();
  return {
    _id: new ObjectId(),
    accountId,
    campaignId: new ObjectId(),
    phoneNumber: "+12125550100",
    priority: 0,
    state,
    attempts: 2,
    settledAttempts: 1,
    nextAttemptAt: EARLIER,
    leaseOwner: "holder",
    leaseToken: "held-token",
    leaseExpiresAt: EARLIER,
    lastError: "before",
    createdAt: EARLIER,
    updatedAt: EARLIER,
  };
}

function requestFor(name: LeadTransitionName, lead: LeadDoc): TransitionRequest<LeadTransitionName> {
  const rule = ruleOf(name);
  const values = Object.fromEntries(rule.sets.map((field) => [field, SAMPLE_VALUES[field]]));
  return {
    where: { _id: lead._id },
    now: NOW,
    values: values as TransitionRequest<LeadTransitionName>["values"],
    attempt: ATTEMPT,
    outcome: { attempt: ATTEMPT, outcome: "busy", occurredAt: NOW, reportedAt: NOW },
  };
}

/** What the row says the lead looks like after it, field by field. */
function expectApplied(name: LeadTransitionName, before: LeadDoc, after: LeadDoc | null) {
  const rule = ruleOf(name);
  if (rule.to === null) return expect(after).toBeNull();
  expect(after).not.toBeNull();
  const stored = after! as unknown as Record<string, unknown>;
  expect(stored.state).toBe(rule.to);
  expect(stored.updatedAt).toEqual(NOW);
  for (const field of rule.sets) expect(stored[field]).toEqual(SAMPLE_VALUES[field]);
  if (rule.stamps) expect(stored[rule.stamps]).toEqual(NOW);
  for (const field of rule.clears) expect(stored).not.toHaveProperty(field);
  const attempts = { count: before.attempts + 1, uncount: before.attempts - 1, set: ATTEMPT, keep: before.attempts };
  expect(stored.attempts).toBe(attempts[rule.attempts]);
  expect(stored.settledAttempts).toBe(rule.settledAttempts === "set" ? ATTEMPT : before.settledAttempts);
  if (rule.recordsOutcome) {
    expect(stored.lastOutcome).toBe("busy");
    expect(stored.outcomes).toEqual([{ attempt: ATTEMPT, outcome: "busy", occurredAt: NOW, reportedAt: NOW }]);
  } else {
    expect(stored).not.toHaveProperty("outcomes");
  }
  // Fields the row does not name are left as they were.
  const named = new Set<string>([...rule.sets, ...rule.clears, rule.stamps ?? "", "state", "updatedAt", "attempts"]);
  named.add("settledAttempts").add("lastOutcome").add("outcomes").add("pendingEvent");
  for (const [field, value] of Object.entries(before)) if (!named.has(field)) expect(stored[field]).toEqual(value);
}

describe("the lead lifecycle table, walked against the database", () => {
  const db = useTestDatabase("lead_lifecycle_walk");

  it("derives the states from the table, in the order a lead meets them", () => {
    expect(LEAD_STATES).toEqual(["pending", "dispatching", "dispatched", "completed", "failed", "suppressed"]);
    for (const name of names) {
      const { from, to } = ruleOf(name);
      for (const state of from === "any" ? [] : from) expect(LEAD_STATES).toContain(state);
      if (to !== null) expect(LEAD_STATES).toContain(to);
    }
  });

  it.each(names)("%s: applies from each start state as its row says, and from no other", async (name) => {
    const rule = ruleOf(name);
    const transitions = createLeadTransitions(db.repos.collections);
    const { leads, outboxEvents } = db.repos.collections;
    for (const state of LEAD_STATES) {
      const lead = leadIn(state);
      await leads.insertOne(lead);
      const applied = await transitions.one(name, requestFor(name, lead));
      const after = await leads.findOne({ _id: lead._id });
      const events = await outboxEvents.find({ "payload.lead.id": lead._id.toHexString() }).toArray();
      if (!startsFrom(rule, state)) {
        expect(applied, `${name} from ${state}`).toBe(false);
        expect(after).toEqual(lead);
        expect(events).toEqual([]);
        continue;
      }
      expect(applied, `${name} from ${state}`).toBe(true);
      expectApplied(name, lead, after);
      if (rule.event) {
        const id = `${rule.event}:${lead._id.toHexString()}:${ATTEMPT}`;
        expect(events.map((event) => [event._id, event.type])).toEqual([[id, rule.event]]);
        expect(after?.pendingEvent).toMatchObject({ id, type: rule.event });
      } else {
        expect(events).toEqual([]);
        expect(after ?? {}).not.toHaveProperty("pendingEvent");
      }
      // Applied once: the same request again finds the lead in its end state, moved on, or gone.
      if (rule.to === null || !startsFrom(rule, rule.to as LeadState)) {
        expect(await transitions.one(name, requestFor(name, lead))).toBe(false);
      }
    }
  });

  it.each(names.filter((name) => !ruleOf(name).event))(
    "%s: applies to every lead it names at once, and only to leads in a start state",
    async (name) => {
      const rule = ruleOf(name);
      const transitions = createLeadTransitions(db.repos.collections);
      const { leads } = db.repos.collections;
      const starts = LEAD_STATES.filter((state) => startsFrom(rule, state));
      const others = LEAD_STATES.filter((state) => !startsFrom(rule, state));
      const batch = [...starts, ...starts, ...others].map(leadIn);
      await leads.insertMany(batch);
      const request = { ...requestFor(name, batch[0]!), where: { _id: { $in: batch.map((lead) => lead._id) } } };
      expect(await transitions.many(name, request)).toBe(2 * starts.length);
      for (const lead of batch) {
        const after = await leads.findOne({ _id: lead._id });
        if (startsFrom(rule, lead.state)) expectApplied(name, lead, after);
        else expect(after).toEqual(lead);
      }
    },
  );
});
