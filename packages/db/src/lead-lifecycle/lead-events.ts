import type { LeadTransitionRule } from "@leadline/core";
import type { Collections } from "../collections.ts";
import type { LeadDoc } from "../documents.ts";
import { createOutbox } from "../outbox.ts";

/** The webhook events a lead's transitions send: the table's `event` column. */
export type LeadEventType = NonNullable<LeadTransitionRule["event"]>;

/**
 * The event a lead owes for a terminal transition, stored on the lead by
 * the transition's own conditional update (see {@link createLeadEvents}).
 */
export interface PendingLeadEvent {
  /** `lead.<state>:<leadId>:<attempt>`: the outbox `_id`, so writing it twice stores it once. */
  id: string;
  type: LeadEventType;
  at: Date;
}

/** The event `type` of `lead`'s hand-off `attempt`: its id is derived from exactly that change. */
export function leadEventFor(leadId: LeadDoc["_id"], type: LeadEventType, attempt: number, at: Date): PendingLeadEvent {
  return { id: `${type}:${leadId.toHexString()}:${attempt}`, type, at };
}

/** The lead view a lead event carries. */
export function leadEventPayload(lead: LeadDoc, type: LeadEventType): Record<string, unknown> {
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

/** How long an owed event may wait before the recovery sweep writes it (the writer presumably crashed). */
export const LEAD_EVENT_RECOVERY_AFTER_MS = 60_000;

/**
 * Lead events (`lead.completed`, `lead.failed`, `lead.suppressed`) into the
 * outbox, with no transaction and one outbox insert per terminal transition.
 *
 * Why none is lost or invented. The outbox's rule for imports is "event
 * first, state change second"; for leads that would invent events, because
 * lead transitions are conditional and lose races (a second outcome for the
 * same attempt, a lease another worker took over): the event would be
 * stored for a change that never happened. So the order is turned round,
 * and the crash window closed by the lead itself:
 * 1. The conditional update that makes the terminal transition also sets
 *    `pendingEvent` (the event's deterministic id and type) on the lead, in
 *    the same single-document write: it is there if and only if the change
 *    happened. A lost race changes nothing and owes nothing.
 * 2. The writer then inserts the event under that id ({@link publish}).
 * 3. A crash between 1 and 2 leaves `pendingEvent` on a lead whose event is
 *    missing; {@link recoverPending}, run periodically, writes the events of
 *    leads whose `pendingEvent` is older than a minute and whose event is
 *    not in the outbox (a duplicate-key insert is a no-op besides, so an
 *    event written meanwhile is not doubled), then clears the markers.
 *    Clearing is the sweep's job, not the hot path's: a transition costs
 *    its update and one insert, nothing more.
 */
export function createLeadEvents(collections: Pick<Collections, "leads" | "outboxEvents">) {
  const { leads } = collections;
  const outbox = createOutbox(collections);

  async function write(lead: LeadDoc, event: PendingLeadEvent): Promise<void> {
    await outbox.enqueueEvent(lead.accountId, event.type, leadEventPayload(lead, event.type), event.id);
  }

  return {
    /** Step 2: the event a transition just recorded on `lead` (the lead as the update left it). */
    async publish(lead: LeadDoc): Promise<void> {
      if (lead.pendingEvent) await write(lead, lead.pendingEvent);
    },

    /**
     * Step 3: writes the events owed for longer than `olderThanMs` and
     * clears their markers. Answers how many leads it looked at.
     */
    async recoverPending(now = new Date(), olderThanMs = LEAD_EVENT_RECOVERY_AFTER_MS, limit = 500): Promise<number> {
      const owed = await leads
        .find({ "pendingEvent.at": { $lte: new Date(now.getTime() - olderThanMs) } })
        .limit(limit)
        .toArray();
      // One read tells which of them the writer did store (nearly all): only the missing ones are written.
      const stored = new Set(
        (
          await collections.outboxEvents
            .find({ _id: { $in: owed.map((lead) => lead.pendingEvent!.id) } }, { projection: { _id: 1 } })
            .toArray()
        ).map((event) => event._id),
      );
      for (const lead of owed) if (!stored.has(lead.pendingEvent!.id)) await write(lead, lead.pendingEvent!);
      if (owed.length > 0) {
        await leads.bulkWrite(
          owed.map((lead) => ({
            updateOne: {
              filter: { _id: lead._id, "pendingEvent.id": lead.pendingEvent!.id },
              update: { $unset: { pendingEvent: "" } },
            },
          })),
          { ordered: false },
        );
      }
      return owed.length;
    },
  };
}

export type LeadEvents = ReturnType<typeof createLeadEvents>;
