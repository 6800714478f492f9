import type { ObjectId } from "mongodb";
import type { Collections } from "./collections.ts";

/** A send slot on an endpoint, held by one attempt. */
export interface EndpointSlot {
  endpointId: ObjectId;
  key: string;
  holder: string;
}

/** What asking for a send slot came to. */
export type SlotClaim =
  | { status: "acquired"; slot: EndpointSlot }
  /** Every slot is held; the soonest frees by `freeAt` at the latest. */
  | { status: "busy"; freeAt: Date }
  /** The circuit breaker is open until `until`. */
  | { status: "paused"; until: Date }
  /** The endpoint was deleted. */
  | { status: "missing" };

/** When the circuit breaker opens, and for how long. */
export interface BreakerSettings {
  /** Failed attempts in a row that open it. */
  failures: number;
  coolDownMs: number;
}

/**
 * Per-endpoint limits shared by every delivery process, kept on the endpoint
 * document: at most `perEndpoint` attempts in flight (one slot each), and a
 * circuit breaker that, after `failures` failed attempts in a row, moves the
 * endpoint's pending deliveries past a cool-down so that they hold no slot
 * and no sender's time. After the cool-down the next attempts are the probes:
 * one success closes the breaker, one more failure opens it again.
 */
export function createWebhookSendSlots({
  webhookEndpoints,
  webhookDeliveries,
}: Pick<Collections, "webhookEndpoints" | "webhookDeliveries">) {
  return {
    /**
     * Takes a free slot of the endpoint for `holder` until `until`, unless the breaker is open or all are held.
     * When all are held, the endpoint's due deliveries are moved to the soonest slot's end (one update), marked
     * as waiting for a slot, so that claims stop finding them until then or until {@link release} wakes one.
     */
    async acquire(
      endpointId: ObjectId,
      holder: string,
      until: Date,
      perEndpoint: number,
      now: Date = new Date(),
    ): Promise<SlotClaim> {
      const closed = { $or: [{ breakerOpenUntil: { $exists: false } }, { breakerOpenUntil: { $lte: now } }] };
      for (let index = 0; index < perEndpoint; index++) {
        const key = `s${index}`;
        const free = {
          $or: [{ [`sendSlots.${key}`]: { $exists: false } }, { [`sendSlots.${key}.until`]: { $lte: now } }],
        };
        const taken = await webhookEndpoints.findOneAndUpdate(
          { _id: endpointId, $and: [closed, free] },
          { $set: { [`sendSlots.${key}`]: { holder, until } } },
          { projection: { _id: 1 } },
        );
        if (taken) return { status: "acquired", slot: { endpointId, key, holder } };
      }
      const endpoint = await webhookEndpoints.findOne(
        { _id: endpointId },
        { projection: { sendSlots: 1, breakerOpenUntil: 1 } },
      );
      if (!endpoint) return { status: "missing" };
      if (endpoint.breakerOpenUntil && endpoint.breakerOpenUntil > now) {
        return { status: "paused", until: endpoint.breakerOpenUntil };
      }
      const ends = Object.values(endpoint.sendSlots ?? {}).map((slot) => slot.until.getTime());
      // No slot left to read: freed meanwhile, so worth asking again at once.
      const soonest = ends.length > 0 ? Math.min(...ends) : now.getTime();
      const freeAt = new Date(Math.max(now.getTime(), soonest));
      if (freeAt > now) {
        // Out of the claims' due range until a slot frees, rather than read and given back by every claim.
        await webhookDeliveries.updateMany(
          { endpointId, state: "pending", nextAttemptAt: { $lte: now } },
          { $set: { nextAttemptAt: freeAt, waitingForSlot: true } },
        );
      }
      return { status: "busy", freeAt };
    },

    /**
     * Frees a slot, if its holder still has it, and makes one of the
     * endpoint's deliveries waiting for a slot due now: an attempt usually
     * ends well before its slot's lease, and the rest wait for the next one.
     */
    async release(slot: EndpointSlot, now: Date = new Date()): Promise<void> {
      const freed = await webhookEndpoints.updateOne(
        { _id: slot.endpointId, [`sendSlots.${slot.key}.holder`]: slot.holder },
        { $unset: { [`sendSlots.${slot.key}`]: "" } },
      );
      if (freed.modifiedCount === 0) return;
      await webhookDeliveries.findOneAndUpdate(
        { endpointId: slot.endpointId, state: "pending", waitingForSlot: true },
        { $set: { nextAttemptAt: now }, $unset: { waitingForSlot: "" } },
        { sort: { nextAttemptAt: 1 }, projection: { _id: 1 } },
      );
    },

    /**
     * Counts an attempt's outcome for the breaker, once the attempt is
     * recorded. A delivery closes it; a failure that makes `failures` in a row
     * opens it for `coolDownMs`. While it is open, each failure counted moves
     * the endpoint's pending deliveries to the cool-down's end, the one just
     * recorded included: as every failure is recorded before it is counted,
     * no retry recorded around the opening is left due. Answers until when
     * the breaker is open, if it is, and whether this failure opened it.
     */
    async recordOutcome(
      endpointId: ObjectId,
      delivered: boolean,
      breaker: BreakerSettings,
      now: Date = new Date(),
    ): Promise<{ pausedUntil?: Date; opened: boolean }> {
      if (delivered) {
        await webhookEndpoints.updateOne(
          { _id: endpointId, consecutiveFailures: { $gt: 0 } },
          { $set: { consecutiveFailures: 0 }, $unset: { breakerOpenUntil: "" } },
        );
        return { opened: false };
      }
      const counted = await webhookEndpoints.findOneAndUpdate(
        { _id: endpointId },
        { $inc: { consecutiveFailures: 1 } },
        { returnDocument: "after", projection: { consecutiveFailures: 1, breakerOpenUntil: 1 } },
      );
      if (!counted) return { opened: false };
      let pausedUntil =
        counted.breakerOpenUntil && counted.breakerOpenUntil > now ? counted.breakerOpenUntil : undefined;
      let opened = false;
      if (!pausedUntil && (counted.consecutiveFailures ?? 0) >= breaker.failures) {
        const until = new Date(now.getTime() + breaker.coolDownMs);
        // Lost to another failure that opened it meanwhile: that one moves the deliveries, this one's included.
        const opening = await webhookEndpoints.updateOne(
          { _id: endpointId, $or: [{ breakerOpenUntil: { $exists: false } }, { breakerOpenUntil: { $lte: now } }] },
          { $set: { breakerOpenUntil: until } },
        );
        if (opening.modifiedCount === 1) [pausedUntil, opened] = [until, true];
      }
      if (pausedUntil) {
        await webhookDeliveries.updateMany(
          { endpointId, state: "pending", nextAttemptAt: { $lt: pausedUntil } },
          { $set: { nextAttemptAt: pausedUntil }, $unset: { waitingForSlot: "" } },
        );
      }
      return { pausedUntil, opened };
    },
  };
}

export type WebhookSendSlots = ReturnType<typeof createWebhookSendSlots>;
