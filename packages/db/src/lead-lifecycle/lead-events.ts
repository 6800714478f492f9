import type { LeadTransitionRule } from "@leadline/core";
import type { Collections } from "../collections.ts";
import type { LeadDoc } from "../documents.ts";
import { createOwedEvents, type OwedEvent } from "../owed-events.ts";

/** The webhook events a lead's transitions send: the table's `event` column. */
export type LeadEventType = NonNullable<LeadTransitionRule["event"]>;

/** The event a lead owes for a terminal transition: its id is `lead.<state>:<leadId>:<attempt>`. */
export type PendingLeadEvent = OwedEvent<LeadEventType>;

/** The event `type` of `lead`'s hand-off `attempt`: its id is derived from exactly that change. */
export function leadEventFor(leadId: LeadDoc["_id"], type: LeadEventType, attempt: number, at: Date): PendingLeadEvent {
  return { id: `${type}:${leadId.toHexString()}:${attempt}`, type, at };
}

/** The lead view a lead event carries. */
function leadEventPayload(lead: LeadDoc, type: LeadEventType): Record<string, unknown> {
  const state = type.slice("lead.".length);
  return {
    lead: {
      id: lead._id.toHexString(),
      campaignId: lead.campaignId.toHexString(),
      phoneNumber: lead.phoneNumber,
      state,
      lastOutcome: lead.lastOutcome ?? null,
      attempts: lead.attempts,
      reason: state === "suppressed" ? (lead.suppressionReason ?? null) : null,
      error: state === "failed" ? (lead.lastError ?? null) : null,
      externalId: lead.externalId ?? null,
    },
  };
}

/**
 * Lead events (`lead.completed`, `lead.failed`, `lead.suppressed`) into the
 * outbox by the protocol of every event (`owed-events.ts`): the terminal
 * transition's own update marks the event owed on the lead
 * (`transition.ts`), and only an update that applied writes it.
 */
export function createLeadEvents(collections: Pick<Collections, "leads" | "outboxEvents">) {
  return createOwedEvents(collections.leads, collections, (lead, event) =>
    leadEventPayload(lead, event.type as LeadEventType),
  );
}

export type LeadEvents = ReturnType<typeof createLeadEvents>;
