import {
  type ObjectId,
  type EndpointSlot,
  type WebhookDeliveries,
  type WebhookDeliveryDoc,
  type WebhookSendSlots,
} from "@leadline/db/imports";
import type { BackgroundWorkerConfig } from "./config.ts";

/** Claims that find a busy or paused endpoint before a send task rests for one poll interval. */
const CLAIM_TRIES = 4;

/** A claimed delivery and the endpoint slot it holds (none when the endpoint was deleted). */
export interface ClaimedDelivery {
  delivery: WebhookDeliveryDoc;
  slot?: EndpointSlot;
}

/** How many send tasks of this process serve each account or endpoint. */
class InFlightCount {
  private readonly counts = new Map<string, { id: ObjectId; count: number }>();

  add(id: ObjectId, delta: 1 | -1): void {
    const key = id.toHexString();
    const count = (this.counts.get(key)?.count ?? 0) + delta;
    if (count > 0) this.counts.set(key, { id, count });
    else this.counts.delete(key);
  }

  /** Those with at least `count` in flight: a list no longer than the process's send tasks. */
  atLeast(count: number): ObjectId[] {
    return [...this.counts.values()].filter((entry) => entry.count >= count).map((entry) => entry.id);
  }
}

/**
 * Claims deliveries fairly for one process's send tasks, so that no account or
 * endpoint can take every sender:
 * - a free task first takes a delivery of an account it serves nothing of,
 *   and otherwise one of an account below its share (half the tasks), so
 *   another account's delivery always finds a task within one attempt's time;
 * - accounts take turns: each claim starts after the account of the one
 *   before, in id order, and wraps round;
 * - an attempt holds one of its endpoint's slots (WEBHOOK_ENDPOINT_CONCURRENCY,
 *   shared by every process); a delivery whose endpoint has none free goes back
 *   untried, and the endpoint's due deliveries with it wait for a slot to free
 *   (see `WebhookSendSlots.acquire`), out of every claim's way;
 * - a delivery whose endpoint's breaker is open goes back due at the cool-down's end.
 *
 * The accounts a claim leaves out are bounded by this process's send tasks,
 * and skipped in the claim's index rather than read.
 */
export class FairDeliveryClaims {
  private readonly accounts = new InFlightCount();
  /** The account of the last claim: the next claim starts after it. */
  private lastAccount: ObjectId | undefined;
  /** The claim in progress: one at a time, so each sees the ones before it counted (else all tasks start alike). */
  private claiming: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly settings: BackgroundWorkerConfig["webhooks"],
    private readonly workerId: string,
    private readonly deliveries: WebhookDeliveries,
    private readonly slots: WebhookSendSlots,
  ) {}

  /** A delivery to attempt now, holding its endpoint slot, or null when none is due. */
  async next(): Promise<ClaimedDelivery | null> {
    for (let tries = 0; tries < CLAIM_TRIES; tries++) {
      const delivery = await this.oneAtATime(async () => {
        const claimed = await this.claimDelivery();
        if (claimed) this.track(claimed, 1);
        return claimed;
      });
      if (!delivery) return null;
      const now = new Date();
      const holder = `${this.workerId}:${delivery._id}`;
      const until = new Date(now.getTime() + this.settings.leaseMs);
      const claim = await this.slots
        .acquire(delivery.endpointId, holder, until, this.settings.endpointConcurrency, now)
        .catch(async (error: unknown) => {
          await this.giveBack(delivery);
          throw error;
        });
      if (claim.status === "acquired") return { delivery, slot: claim.slot };
      if (claim.status === "missing") return { delivery };
      await this.giveBack(delivery, claim.status === "paused" ? claim.until : claim.freeAt);
    }
    return null;
  }

  /** Ends a claim from {@link next}: frees its slot, and counts it out of this process's share. */
  async done({ delivery, slot }: ClaimedDelivery): Promise<void> {
    this.track(delivery, -1);
    if (slot) await this.slots.release(slot);
  }

  private oneAtATime<T>(step: () => Promise<T>): Promise<T> {
    const run = this.claiming.then(step, step);
    this.claiming = run.catch(() => undefined);
    return run;
  }

  private track(delivery: WebhookDeliveryDoc, delta: 1 | -1): void {
    this.accounts.add(delivery.accountId, delta);
  }

  private async giveBack(delivery: WebhookDeliveryDoc, dueAt?: Date): Promise<void> {
    this.track(delivery, -1);
    await this.deliveries.release(delivery, this.workerId, dueAt);
  }

  private async claimDelivery(): Promise<WebhookDeliveryDoc | null> {
    const served = this.accounts.atLeast(1);
    if (served.length > 0) {
      const other = await this.claimInTurn(served);
      if (other) return other;
    }
    return this.claimInTurn(this.accounts.atLeast(this.settings.accountConcurrency));
  }

  /** The next account's soonest due delivery after the last claim's account, wrapping round; none of `skipAccounts`. */
  private async claimInTurn(skipAccounts: ObjectId[]): Promise<WebhookDeliveryDoc | null> {
    const { leaseMs } = this.settings;
    const last = this.lastAccount;
    const claimed =
      (await this.deliveries.claim(this.workerId, leaseMs, { afterAccount: last, skipAccounts })) ??
      (last ? await this.deliveries.claim(this.workerId, leaseMs, { upToAccount: last, skipAccounts }) : null);
    if (claimed) this.lastAccount = claimed.accountId;
    return claimed;
  }
}
