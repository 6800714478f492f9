import { backoffDelayMs, type WorkerLogger } from "@leadline/core";
import type { WebhookDeliveries, WebhookDeliveryDoc, WebhookSendSlots } from "@leadline/db/imports";
import type { BackgroundWorkerConfig } from "./config.ts";
import { sendWebhook, timedOutMessage, type SendResult } from "./send-webhook.ts";
import { sleep } from "./sleep.ts";
import { FairDeliveryClaims } from "./webhook-fair-claims.ts";
import { checkTarget, type ResolveHost, type WebhookTransport } from "./webhook-target.ts";

/** Outbox events planned per fan-out round. */
const FAN_OUT_BATCH = 100;
/** Deliveries and events deleted per retention round, and how often the history is swept. */
const RETENTION_BATCH = 1000;
const RETENTION_SWEEP_MS = 10 * 60_000;

type AttemptResult = SendResult;

/** What the loop needs from the runtime: a resolver for the early check, and the transport that checks at connect time. */
export interface WebhookRuntime {
  resolveHost: ResolveHost;
  transport: WebhookTransport;
}

/**
 * Delivers the outbox to webhooks, beside the import loop in the same
 * process. One task fans new outbox events out into deliveries; several
 * send tasks (WEBHOOK_CONCURRENCY) each claim a due delivery under a lease,
 * make one attempt, and record it. Any number of worker processes can run
 * this: the claim is atomic, so no delivery is sent by two at once. Claims
 * are fair across accounts and bounded per endpoint, and an endpoint that
 * keeps failing is paused by its circuit breaker: see {@link FairDeliveryClaims}.
 *
 * A failed attempt is retried after an exponential delay with full jitter
 * until the next attempt would fall more than WEBHOOK_GIVE_UP_MS (24 h)
 * after the first; then the delivery is `failed` with its last error. A
 * refused target (SSRF rules) fails at once: retrying cannot change it.
 */
export class WebhookDeliveryLoop {
  private readonly stopping = new AbortController();
  private tasks: Promise<void>[] | undefined;
  private readonly claims: FairDeliveryClaims;
  /** Attempts this process made, for tests and logs. */
  attempts = 0;

  constructor(
    private readonly settings: BackgroundWorkerConfig["webhooks"],
    private readonly workerId: string,
    private readonly deliveries: WebhookDeliveries,
    private readonly slots: WebhookSendSlots,
    private readonly runtime: WebhookRuntime,
    private readonly log: WorkerLogger,
  ) {
    this.claims = new FairDeliveryClaims(settings, workerId, deliveries, slots);
  }

  start(): void {
    this.tasks ??= [
      this.repeat("fan-out", () => this.fanOut()),
      this.repeat("retention", () => this.deleteOldHistory(), RETENTION_SWEEP_MS),
      ...Array.from({ length: this.settings.concurrency }, () => this.repeat("delivery", () => this.deliverOne())),
    ];
  }

  /** Stops claiming; an attempt in flight is aborted and its delivery released for the next process. */
  async stop(): Promise<void> {
    this.stopping.abort();
    await Promise.all(this.tasks ?? []);
  }

  /** Runs `step` until stopped: it answers whether there was work; idle ones wait `idleMs`, failing ones back off. */
  private async repeat(name: string, step: () => Promise<boolean>, idleMs = this.settings.pollMs): Promise<void> {
    const signal = this.stopping.signal;
    let failures = 0;
    while (!signal.aborted) {
      try {
        const busy = await step();
        failures = 0;
        if (!busy) await sleep(idleMs, signal);
      } catch (error) {
        failures += 1;
        const delay = backoffDelayMs(failures, { baseMs: 500, maxMs: 30_000 });
        this.log.warn({ err: error, retryInMs: delay }, `webhook ${name}: database unavailable, waiting`);
        await sleep(delay, signal);
      }
    }
  }

  private async fanOut(): Promise<boolean> {
    return (await this.deliveries.fanOut(FAN_OUT_BATCH)) > 0;
  }

  /**
   * Deletes deliveries that ended and fanned-out events older than WEBHOOK_RETENTION_HOURS, so
   * the history does not grow for ever; busy while whole batches go, so a backlog clears at once.
   */
  private async deleteOldHistory(): Promise<boolean> {
    const before = new Date(Date.now() - this.settings.retentionMs);
    const deleted = await this.deliveries.deleteEndedBefore(before, RETENTION_BATCH);
    if (deleted.deliveries > 0 || deleted.events > 0) {
      this.log.info({ ...deleted, before: before.toISOString() }, "webhook history deleted after the retention time");
    }
    return deleted.deliveries === RETENTION_BATCH || deleted.events === RETENTION_BATCH;
  }

  private async deliverOne(): Promise<boolean> {
    const claimed = await this.claims.next();
    if (!claimed) return false;
    const { delivery } = claimed;
    try {
      const result = await this.attempt(delivery);
      if (this.stopping.signal.aborted && !result.delivered) {
        await this.deliveries.release(delivery, this.workerId);
        return true;
      }
      await this.record(delivery, result);
      // A refusal or a deleted webhook says nothing about the endpoint's health.
      if (result.delivered || !result.permanent) await this.countForBreaker(delivery, result.delivered);
    } finally {
      await this.claims.done(claimed);
    }
    return true;
  }

  /** Counts the recorded attempt for its endpoint's circuit breaker, which may then postpone the endpoint's deliveries. */
  private async countForBreaker(delivery: WebhookDeliveryDoc, delivered: boolean): Promise<void> {
    const breaker = await this.slots.recordOutcome(delivery.endpointId, delivered, this.settings.breaker);
    if (breaker.opened) {
      this.log.warn(
        {
          webhookId: delivery.endpointId.toHexString(),
          failures: this.settings.breaker.failures,
          pausedUntil: breaker.pausedUntil,
        },
        "webhook endpoint failed repeatedly: its deliveries wait for the breaker's cool-down",
      );
    }
  }

  private async attempt(delivery: WebhookDeliveryDoc): Promise<AttemptResult> {
    const [event, endpoint] = await Promise.all([
      this.deliveries.eventOf(delivery),
      this.deliveries.endpointOf(delivery),
    ]);
    if (!endpoint) return { delivered: false, error: "the webhook was deleted", permanent: true };
    if (!event) return { delivered: false, error: "the event is no longer in the outbox", permanent: true };
    // WEBHOOK_TIMEOUT_MS covers the whole attempt: a name that never resolves ends it like a receiver that never answers.
    const { timeoutMs } = this.settings;
    const timeout = AbortSignal.timeout(timeoutMs);
    const url = new URL(endpoint.url);
    const target = await checkTarget(
      url,
      this.runtime.resolveHost,
      this.settings.allowPrivate,
      AbortSignal.any([timeout, this.stopping.signal]),
    );
    if (!target.allowed) {
      const { error, detail } = target;
      if (target.permanent) return { delivered: false, error, permanent: true, ...(detail ? { detail } : {}) };
      return { delivered: false, error: timeout.aborted ? timedOutMessage(timeoutMs) : error, detail };
    }
    this.attempts += 1;
    return sendWebhook({
      url: endpoint.url,
      secret: endpoint.secret,
      event,
      timeoutMs,
      timeout,
      transport: this.runtime.transport,
      signal: this.stopping.signal,
    });
  }

  private async record(delivery: WebhookDeliveryDoc, result: AttemptResult): Promise<void> {
    const at = new Date();
    const attempt = delivery.attempts + 1;
    const fields = {
      eventId: delivery.eventId,
      eventType: delivery.eventType,
      webhookId: delivery.endpointId.toHexString(),
      attempt,
    };
    if (result.delivered) {
      await this.deliveries.record(delivery, this.workerId, {
        outcome: "delivered",
        statusCode: result.statusCode,
        at,
      });
      this.log.info({ ...fields, statusCode: result.statusCode }, "webhook delivered");
      return;
    }
    const firstAttemptAt = delivery.firstAttemptAt ?? at;
    const delay = backoffDelayMs(attempt, {
      baseMs: this.settings.retryBaseMs,
      maxMs: this.settings.retryMaxMs,
      jitter: "full",
    });
    const next = new Date(at.getTime() + delay);
    const giveUp = result.permanent === true || next.getTime() - firstAttemptAt.getTime() > this.settings.giveUpMs;
    await this.deliveries.record(delivery, this.workerId, {
      outcome: "failed",
      statusCode: result.statusCode,
      error: result.error,
      at,
      nextAttemptAt: giveUp ? null : next,
    });
    this.log.warn(
      {
        ...fields,
        statusCode: result.statusCode ?? null,
        error: result.error,
        ...(result.detail ? { detail: result.detail } : {}),
        nextAttemptAt: giveUp ? null : next,
      },
      giveUp ? "webhook delivery failed for good" : "webhook delivery failed; will retry",
    );
  }
}
