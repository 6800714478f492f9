import type { ObjectId } from "mongodb";
import type { Collections } from "./collections.ts";
import { isDuplicateKey } from "./database-errors.ts";

/** The webhook events an account can subscribe to. */
export const WEBHOOK_EVENT_TYPES = [
  "import.completed",
  "import.failed",
  "lead.completed",
  "lead.failed",
  "lead.suppressed",
] as const;
export type WebhookEventType = (typeof WEBHOOK_EVENT_TYPES)[number];

/**
 * Writes an event to the outbox, from which the delivery loop sends it to
 * every endpoint of the account subscribed to `type`.
 *
 * There are no transactions to tie the event to the state change, so the
 * caller writes the event *before* the state change, under an `eventId`
 * derived from that change (`import.completed:<importId>`,
 * `lead.completed:<leadId>:<attempt>`). A crash in between repeats both
 * steps; the second write of the event finds it stored and changes nothing.
 * An event is therefore never lost, and never sent twice under two ids.
 * Lead events (`lead.completed`, `lead.failed`, `lead.suppressed`) turn
 * the order round, because a lead's conditional transition can lose a race
 * and an event written first would announce a change that never happened:
 * see `lead-events.ts`.
 *
 * @example
 * await enqueueEvent(accountId, "import.completed", view, `import.completed:${jobId}`);
 * await markJobCompleted(jobId);
 */
export function createOutbox({ outboxEvents }: Pick<Collections, "outboxEvents">) {
  return {
    async enqueueEvent(
      accountId: ObjectId,
      type: WebhookEventType,
      payload: Record<string, unknown>,
      eventId: string = crypto.randomUUID(),
    ): Promise<void> {
      try {
        await outboxEvents.insertOne({ _id: eventId, accountId, type, payload, createdAt: new Date() });
      } catch (error) {
        if (!isDuplicateKey(error)) throw error;
      }
    },

    /** The account's events, newest first (for tests and the deliveries listing). */
    async listForAccount(accountId: ObjectId, limit = 100) {
      return outboxEvents.find({ accountId }).sort({ createdAt: -1 }).limit(limit).toArray();
    },
  };
}

export type Outbox = ReturnType<typeof createOutbox>;
