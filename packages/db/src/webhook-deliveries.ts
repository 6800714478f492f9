import type { Collection, Filter, ObjectId } from "mongodb";
import type { Collections } from "./collections.ts";
import { duplicateKeyIndexes } from "./database-errors.ts";
import type { OutboxEventDoc, WebhookDeliveryDoc, WebhookEndpointDoc } from "./documents.ts";

/** A delivery's id: one per (event, endpoint), so planning it twice stores it once. */
export const deliveryIdOf = (eventId: string, endpointId: ObjectId): string => `${eventId}|${endpointId.toHexString()}`;

/** Where a page of the deliveries listing ends: the next page starts after it. */
export interface DeliveryPosition {
  createdAt: Date;
  id: string;
}

/** How an attempt ended, as the delivery loop records it. */
export type AttemptRecord =
  | { outcome: "delivered"; statusCode: number; at: Date }
  | {
      outcome: "failed";
      statusCode?: number;
      error: string;
      at: Date;
      /** When to try again; null: give up, the delivery is `failed`. */
      nextAttemptAt: Date | null;
    };

/**
 * Webhook deliveries: fan-out of outbox events to the subscribed endpoints,
 * and the leased claim the delivery loop sends them through. Any number of
 * loop processes may run; each delivery is held by one at a time.
 */
/**
 * Deletes at most `limit` documents that match `filter`: their ids first, then those of them
 * that still match. MongoDB's `deleteMany` takes no limit, and the bound keeps each round short.
 */
async function deleteUpTo<TDoc extends { _id: unknown }>(
  collection: Collection<TDoc>,
  filter: Filter<TDoc>,
  limit: number,
): Promise<number> {
  const batch = await collection
    .find(filter, { projection: { _id: 1 } })
    .limit(limit)
    .toArray();
  if (batch.length === 0) return 0;
  const ids = batch.map(({ _id }) => _id);
  return (await collection.deleteMany({ $and: [filter, { _id: { $in: ids } }] } as Filter<TDoc>)).deletedCount;
}

export function createWebhookDeliveries({
  outboxEvents,
  webhookEndpoints,
  webhookDeliveries,
}: Pick<Collections, "outboxEvents" | "webhookEndpoints" | "webhookDeliveries">) {
  let fanOutRounds = 0;
  async function insertIgnoringDuplicates(docs: WebhookDeliveryDoc[]): Promise<void> {
    if (docs.length === 0) return;
    try {
      await webhookDeliveries.insertMany(docs, { ordered: false });
    } catch (error) {
      // Planned by an earlier fan-out of the same event that crashed before marking it.
      if (!duplicateKeyIndexes(error)) throw error;
    }
  }

  return {
    /**
     * Plans deliveries for up to `limit` events not fanned out yet: one per
     * endpoint of the event's account subscribed to its type at this moment.
     * Fair across accounts: each account with events waiting gets an equal
     * share of the round (its oldest first), so one account's flood of events
     * cannot push another's behind it. The event is marked only after its
     * deliveries are stored, and a delivery's id is derived from event and
     * endpoint, so a fan-out cut short by a crash is redone without
     * duplicates. A delivery to an endpoint whose circuit breaker is open is
     * due when the breaker's cool-down ends. Answers how many events it fanned out.
     */
    async fanOut(limit: number, now: Date = new Date()): Promise<number> {
      const waiting = { fannedOutAt: { $exists: false } };
      const accounts = (await outboxEvents.distinct("accountId", waiting)) as ObjectId[];
      // More accounts than the round holds: a different slice each round, so every one gets its turn.
      const start = accounts.length > limit ? fanOutRounds++ % accounts.length : 0;
      const turn = [...accounts.slice(start), ...accounts.slice(0, start)].slice(0, limit);
      const share = Math.max(1, Math.floor(limit / Math.max(1, turn.length)));
      let fannedOut = 0;
      for (const accountId of turn) {
        const events = await outboxEvents
          .find({ ...waiting, accountId })
          .sort({ createdAt: 1, _id: 1 })
          .limit(share)
          .toArray();
        if (events.length === 0) continue;
        const endpoints = await webhookEndpoints.find({ accountId }).toArray();
        for (const event of events) {
          const subscribed = endpoints.filter((endpoint) => endpoint.events.includes(event.type));
          await insertIgnoringDuplicates(subscribed.map((endpoint) => plannedDelivery(event, endpoint, now)));
          await outboxEvents.updateOne({ _id: event._id }, { $set: { fannedOutAt: now } });
        }
        fannedOut += events.length;
      }
      return fannedOut;
    },

    /**
     * Takes one due pending delivery whose lease is free (never held, or its
     * holder's lease ran out) and leases it to `owner` for `leaseMs`: the
     * soonest due of the first account, in id order, after `afterAccount` (or
     * up to and including `upToAccount`: the caller's turn wraps round), that
     * is not in `skipAccounts` (those the caller serves enough of already: see
     * the delivery loop's fair claiming). Every field it filters on is in
     * {@link WEBHOOK_CLAIM_INDEX}, so the accounts left out are skipped in the
     * index, not read: a claim never walks another account's backlog.
     */
    async claim(
      owner: string,
      leaseMs: number,
      options: { now?: Date; afterAccount?: ObjectId; upToAccount?: ObjectId; skipAccounts?: ObjectId[] } = {},
    ): Promise<WebhookDeliveryDoc | null> {
      const now = options.now ?? new Date();
      const account: Filter<WebhookDeliveryDoc>["accountId"] & object = {};
      if (options.afterAccount) account.$gt = options.afterAccount;
      if (options.upToAccount) account.$lte = options.upToAccount;
      if (options.skipAccounts?.length) account.$nin = options.skipAccounts;
      const filter: Filter<WebhookDeliveryDoc> = {
        state: "pending",
        ...(Object.keys(account).length > 0 ? { accountId: account } : {}),
        nextAttemptAt: { $lte: now },
        leaseExpiresAt: { $lte: now },
      };
      return webhookDeliveries.findOneAndUpdate(
        filter,
        {
          $set: { leaseOwner: owner, leaseExpiresAt: new Date(now.getTime() + leaseMs), updatedAt: now },
          $unset: { waitingForSlot: "" },
        },
        { sort: { accountId: 1, nextAttemptAt: 1 }, returnDocument: "after" },
      );
    },

    /** Records an attempt by the lease's holder; false when the lease was lost meanwhile. */
    async record(delivery: WebhookDeliveryDoc, owner: string, attempt: AttemptRecord): Promise<boolean> {
      const { at } = attempt;
      const common = {
        attempts: delivery.attempts + 1,
        firstAttemptAt: delivery.firstAttemptAt ?? at,
        lastAttemptAt: at,
        leaseExpiresAt: at,
        updatedAt: at,
      };
      const set =
        attempt.outcome === "delivered"
          ? { ...common, state: "delivered" as const, lastStatusCode: attempt.statusCode, deliveredAt: at }
          : {
              ...common,
              lastError: attempt.error,
              ...(attempt.nextAttemptAt
                ? { state: "pending" as const, nextAttemptAt: attempt.nextAttemptAt }
                : { state: "failed" as const, failedAt: at }),
            };
      const unset: Record<string, ""> = { leaseOwner: "", waitingForSlot: "" };
      if (attempt.outcome === "failed" && attempt.statusCode === undefined) unset.lastStatusCode = "";
      const update =
        attempt.outcome === "failed" && attempt.statusCode !== undefined
          ? { $set: { ...set, lastStatusCode: attempt.statusCode }, $unset: unset }
          : { $set: set, $unset: unset };
      const result = await webhookDeliveries.updateOne(
        { _id: delivery._id, leaseOwner: owner, state: "pending" },
        update,
      );
      return result.matchedCount === 1;
    },

    /**
     * Gives a held delivery back untried (the process is stopping, or its endpoint has no free slot), for any loop
     * to take at once, or from `dueAt` on (its endpoint's breaker is open).
     */
    async release(delivery: WebhookDeliveryDoc, owner: string, dueAt?: Date, now: Date = new Date()): Promise<void> {
      await webhookDeliveries.updateOne(
        { _id: delivery._id, leaseOwner: owner },
        {
          $set: { leaseExpiresAt: now, updatedAt: now, ...(dueAt ? { nextAttemptAt: dueAt } : {}) },
          $unset: { leaseOwner: "" },
        },
      );
    },

    /** The event a delivery sends, from the outbox. */
    async eventOf(delivery: WebhookDeliveryDoc): Promise<OutboxEventDoc | null> {
      return outboxEvents.findOne({ _id: delivery.eventId });
    },

    /** The endpoint a delivery goes to, or null once it was deleted. */
    async endpointOf(delivery: WebhookDeliveryDoc): Promise<WebhookEndpointDoc | null> {
      return webhookEndpoints.findOne({ _id: delivery.endpointId });
    },

    /**
     * Retention: deletes up to `limit` deliveries that ended (delivered or failed) before
     * `cutoff`, then up to `limit` outbox events fanned out before it that no pending delivery
     * still sends. Answers how many of each it deleted; a full batch means more may be due.
     * Nothing comes back to need a deleted event: an ended delivery never turns pending again,
     * and a fanned-out event is never fanned out again.
     */
    async deleteEndedBefore(cutoff: Date, limit: number): Promise<{ deliveries: number; events: number }> {
      const deliveries = await deleteUpTo(
        webhookDeliveries,
        { state: { $in: ["delivered", "failed"] }, updatedAt: { $lt: cutoff } },
        limit,
      );
      // A delivery still retrying keeps its event: possible when the retention is shorter than the retry window, or no
      // worker ran for that long. Such events are left out of the query, not only out of the delete: a batch made of
      // them alone would be found again on every round, and no event behind it would ever go. Deliveries are planned
      // only by `fanOut`, created no later than their event's `fannedOutAt`, so the creation bound finds every
      // pending delivery of an event older than the cutoff (and only the few old ones, not the whole retry backlog).
      const retrying = await webhookDeliveries.distinct("eventId", { state: "pending", createdAt: { $lt: cutoff } });
      const events = await deleteUpTo(outboxEvents, { fannedOutAt: { $lt: cutoff }, _id: { $nin: retrying } }, limit);
      return { deliveries, events };
    },

    /** An endpoint's deliveries, newest first, `limit` from after `after`. */
    async listPage(endpointId: ObjectId, limit: number, after?: DeliveryPosition): Promise<WebhookDeliveryDoc[]> {
      const filter = after
        ? {
            endpointId,
            $or: [{ createdAt: { $lt: after.createdAt } }, { createdAt: after.createdAt, _id: { $lt: after.id } }],
          }
        : { endpointId };
      return webhookDeliveries.find(filter).sort({ createdAt: -1, _id: -1 }).limit(limit).toArray();
    },
  };
}

function plannedDelivery(event: OutboxEventDoc, endpoint: WebhookEndpointDoc, now: Date): WebhookDeliveryDoc {
  const paused = endpoint.breakerOpenUntil && endpoint.breakerOpenUntil > now ? endpoint.breakerOpenUntil : undefined;
  return {
    _id: deliveryIdOf(event._id, endpoint._id),
    accountId: event.accountId,
    endpointId: endpoint._id,
    eventId: event._id,
    eventType: event.type,
    state: "pending",
    attempts: 0,
    nextAttemptAt: paused ?? now,
    leaseExpiresAt: new Date(0),
    createdAt: now,
    updatedAt: now,
  };
}

export type WebhookDeliveries = ReturnType<typeof createWebhookDeliveries>;
