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
 * every endpoint of the account subscribed to `type`, under an `eventId`
 * derived from the change it announces (`import.completed:<importId>`,
 * `lead.completed:<leadId>:<attempt>`), so that writing it twice stores it
 * once. A state change's event is written after the change, by the one
 * protocol in `owed-events.ts`, never before it: a change can lose a race,
 * and an event written first would announce a change that never happened.
 *
 * @example
 * const ended = await jobs.finish(jobId, workerId, { state: "completed" }); // marks import.completed owed
 * if (ended) await importEvents.publish(ended);
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
