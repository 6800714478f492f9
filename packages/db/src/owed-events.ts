import type { Collection, ObjectId } from "mongodb";
import type { Collections } from "./collections.ts";
import { createOutbox, type WebhookEventType } from "./outbox.ts";

/**
 * The event a state change owes, stored on the changed document by the
 * change's own conditional update (see {@link createOwedEvents}).
 */
export interface OwedEvent<TType extends WebhookEventType = WebhookEventType> {
  /** Derived from exactly that change (`lead.completed:<leadId>:<attempt>`, `import.failed:<importId>`): the outbox `_id`. */
  id: string;
  type: TType;
  at: Date;
}

/** A document whose changes owe events: it carries the one owed, if any. */
export interface OwingDoc {
  _id: ObjectId;
  accountId: ObjectId;
  pendingEvent?: OwedEvent;
}

/** How long an owed event may wait before the recovery sweep writes it (the writer presumably crashed). */
export const OWED_EVENT_RECOVERY_AFTER_MS = 60_000;

/**
 * Webhook events of state changes (a lead ending, an import ending) into the
 * outbox, with no transaction and one outbox insert per change. The one
 * protocol every event follows.
 *
 * Why none is lost or invented. Changes are conditional and lose races (a
 * second outcome for the same attempt, a lease another worker took over, an
 * import cancelled as it finished): an event written before the change would
 * announce a change that never happened. So the change comes first, and the
 * crash window is closed by the changed document itself:
 * 1. The conditional update that makes the change also sets `pendingEvent`
 *    (the event's deterministic id and type) on the document, in the same
 *    single-document write: it is there if and only if the change happened.
 *    A lost race changes nothing and owes nothing.
 * 2. The writer then inserts the event under that id ({@link publish}).
 * 3. A crash between 1 and 2 leaves `pendingEvent` on a document whose event
 *    is missing; {@link recoverPending}, run periodically, writes the events
 *    of documents whose `pendingEvent` is older than a minute and whose event
 *    is not in the outbox (a duplicate-key insert is a no-op besides, so an
 *    event written meanwhile is not doubled), then clears the markers.
 *    Clearing is the sweep's job, not the hot path's: a change costs its
 *    update and one insert, nothing more.
 */
export function createOwedEvents<TDoc extends OwingDoc>(
  owing: Collection<TDoc>,
  collections: Pick<Collections, "outboxEvents">,
  payloadOf: (doc: TDoc, event: OwedEvent) => Record<string, unknown>,
) {
  const outbox = createOutbox(collections);
  // Only the marker's fields are read and written here, whatever else the documents hold.
  const docs = owing as unknown as Collection<OwingDoc>;
  const write = (doc: TDoc, event: OwedEvent) =>
    outbox.enqueueEvent(doc.accountId, event.type, payloadOf(doc, event), event.id);

  return {
    /** Step 2: the event a change just recorded on `doc` (the document as the update left it). */
    async publish(doc: TDoc): Promise<void> {
      if (doc.pendingEvent) await write(doc, doc.pendingEvent);
    },

    /**
     * Step 3: writes the events owed for longer than `olderThanMs` and
     * clears their markers. Answers how many documents it looked at.
     */
    async recoverPending(now = new Date(), olderThanMs = OWED_EVENT_RECOVERY_AFTER_MS, limit = 500): Promise<number> {
      const due = { "pendingEvent.at": { $lte: new Date(now.getTime() - olderThanMs) } };
      const owed = (await docs.find(due).limit(limit).toArray()) as unknown as TDoc[];
      // One read tells which of them the writer did store (nearly all): only the missing ones are written.
      const stored = new Set(
        (
          await collections.outboxEvents
            .find({ _id: { $in: owed.map((doc) => doc.pendingEvent!.id) } }, { projection: { _id: 1 } })
            .toArray()
        ).map((event) => event._id),
      );
      for (const doc of owed) if (!stored.has(doc.pendingEvent!.id)) await write(doc, doc.pendingEvent!);
      if (owed.length > 0) {
        await docs.bulkWrite(
          owed.map((doc) => ({
            updateOne: {
              filter: { _id: doc._id, "pendingEvent.id": doc.pendingEvent!.id },
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
