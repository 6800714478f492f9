import { backoffDelayMs, maxAttemptsOf } from "@leadline/core";
import type { DispatchQueue, HandOffReplays, LeadDoc, SuppressionDoc } from "@leadline/db/dispatch";
import type { DispatcherConfig } from "./config.ts";
import { DeliveryRecorder } from "./delivery-recorder.ts";
import { dialerTarget, type DialerTarget } from "./dialer-target.ts";
import { NO_DISPATCH_METRICS, type DispatchMetrics } from "./dispatch-metrics.ts";
import type { EligibleCampaigns } from "./eligible-campaigns.ts";
import { handOff } from "./hand-off.ts";
import type { WorkerLogger } from "./logger.ts";

/** The transitions the dispatcher makes; counting due leads is the metrics' business. */
export type HandOffQueue = Omit<DispatchQueue, "countDue" | "zoneKeysOf" | "campaignsWithWaitingLeads"> &
  HandOffReplays;

/** The longest wait after a claim (or its suppression check) failed, however often in a row. */
const CLAIM_BACKOFF_MAX_MS = 30_000;

/**
 * A leased lead with what deciding its outcome needs, taken from the
 * campaign as it was when the lead was claimed: a campaign paused during
 * the hand-off leaves the cache of active campaigns, but not this.
 */
interface ClaimedLead {
  lead: LeadDoc;
  maxAttempts: number;
}

export interface DispatcherStats {
  delivered: number;
  retried: number;
  failed: number;
  /** Claimed leads whose number had been suppressed since import: never handed off. */
  suppressed: number;
}

/**
 * Hands due leads to the dialer, at most `concurrency` at a time, posting
 * each and recording the outcome: one loop leases as many due leads as there
 * are free dialer lines (up to `batchSize`; 1 leases one lead per claim) in
 * one batch claim and hands them off side by side. Every time it records is
 * read on its clock. Web-standard APIs only; runs under Node and Deno alike.
 */
export class Dispatcher {
  readonly stats: DispatcherStats = { delivered: 0, retried: 0, failed: 0, suppressed: 0 };
  private stopping = false;
  private readonly shutdown = new AbortController();
  private readonly wakeUps = new Set<() => void>();
  private loops: Promise<void>[] = [];
  private readonly deliveries: DeliveryRecorder;
  private readonly dialer: DialerTarget;

  constructor(
    private readonly config: DispatcherConfig,
    private readonly queue: HandOffQueue,
    private readonly campaigns: EligibleCampaigns,
    private readonly log: WorkerLogger,
    private readonly metrics: DispatchMetrics = NO_DISPATCH_METRICS,
    /** The clock calling hours, leases and retries are read on; tests pass their own. */
    private readonly clock: () => Date = () => new Date(),
  ) {
    this.deliveries = new DeliveryRecorder(queue, config.workerId, log, clock);
    this.dialer = dialerTarget(config.dialerUrl);
  }

  start(): void {
    const { concurrency, batchSize } = this.config;
    this.log.info({ concurrency, batchSize, dialerUrl: this.dialer.display }, "dispatcher started");
    this.loops = [this.claimLoop()];
  }

  /**
   * Stops claiming and waits for hand-offs in flight. Past the shutdown
   * timeout they are aborted and their leases given back, so another worker
   * takes them at once instead of after the lease expires.
   */
  async stop(): Promise<void> {
    this.stopping = true;
    for (const wake of this.wakeUps) wake();
    const finished = Promise.all(this.loops).then(() => true);
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timedOut = new Promise<boolean>((resolve) => {
      timer = setTimeout(() => resolve(false), this.config.shutdownTimeoutMs);
    });
    // Cleared either way: a pending timer would keep an embedding process alive.
    const inTime = await Promise.race([finished, timedOut]).finally(() => clearTimeout(timer));
    if (!inTime) {
      this.log.warn({}, "shutdown timeout: aborting hand-offs in flight and giving their leases back");
      this.shutdown.abort();
      await finished;
    }
    await this.deliveries.flush();
    this.log.info({ ...this.stats }, "dispatcher stopped");
  }

  private sleep(ms: number): Promise<void> {
    // A loop that reaches its sleep after stop() woke the others would otherwise wait it out.
    if (this.stopping) return Promise.resolve();
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.wakeUps.delete(done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.wakeUps.add(done);
    });
  }

  /** How long to wait after `failures` failed claims in a row: the shared back-off, from twice the poll interval. */
  private claimBackoffMs(failures: number): number {
    return backoffDelayMs(failures, { baseMs: 2 * this.config.pollMs, maxMs: CLAIM_BACKOFF_MAX_MS });
  }

  /**
   * Claims only for free dialer lines, so that no lease ticks while its lead waits for one. It
   * waits until half the lines (of a batch) are free before claiming again, so that each claim
   * carries several leads, not the one line freed last. A failed claim or suppression check
   * backs off longer each time in a row.
   */
  private async claimLoop(): Promise<void> {
    const { concurrency, batchSize, pollMs } = this.config;
    const inFlight = new Set<Promise<void>>();
    const claimAtLeast = Math.max(1, Math.floor(Math.min(batchSize, concurrency) / 2));
    let failures = 0;
    while (!this.stopping) {
      if (concurrency - inFlight.size < claimAtLeast) {
        await Promise.race(inFlight);
        continue;
      }
      let batch: ClaimedLead[];
      try {
        batch = await this.claimBatch(Math.min(batchSize, concurrency - inFlight.size));
      } catch (error) {
        this.log.error({ err: error }, "claiming leads failed; backing off");
        await this.sleep(this.claimBackoffMs(++failures));
        continue;
      }
      if (batch.length === 0) {
        failures = 0;
        // Jitter keeps idle workers from polling in step; a line freed meanwhile does not end the wait.
        await this.sleep(pollMs * (0.75 + Math.random() / 2));
        continue;
      }
      let suppressions: Map<string, SuppressionDoc>;
      try {
        // One query for the whole batch, read after the claim (see `suppressionsOf`).
        suppressions = await this.queue.suppressionsOf(batch.map((claimed) => claimed.lead));
      } catch (error) {
        this.log.error(
          { err: error, leads: batch.length },
          "checking the batch's suppressions failed; its leases will expire and the leads be claimed again",
        );
        await this.sleep(this.claimBackoffMs(++failures));
        continue;
      }
      failures = 0;
      for (const claimed of batch) {
        const suppression = suppressions.get(claimed.lead._id.toHexString());
        const work = (
          suppression ? this.skipSuppressed(claimed.lead, suppression) : this.handOffClaimed(claimed)
        ).catch((error: unknown) =>
          this.log.error(
            { err: error, leadId: claimed.lead._id.toHexString() },
            "recording a hand-off failed; the lease will expire and the lead be retried",
          ),
        );
        const tracked = work.finally(() => inFlight.delete(tracked));
        inFlight.add(tracked);
      }
    }
    await Promise.all(inFlight);
  }

  private async claimBatch(limit: number): Promise<ClaimedLead[]> {
    const now = this.clock();
    const callable = await this.campaigns.callableNow(now);
    const claimed = await this.queue.claimBatch({
      workerId: this.config.workerId,
      scope: callable.scope,
      leaseMs: this.config.leaseMs,
      now,
      limit,
    });
    // A take-over of a dead worker's hand-off goes out again as that same attempt.
    const leads = (
      await Promise.all(
        claimed.map((lead) =>
          this.queue.resumeClaimed(lead, this.config.workerId, now, {
            maxTakeOvers: this.config.maxTakeOvers,
            onExhausted: (failed, attempt) => {
              this.stats.failed++;
              this.log.warn(
                { leadId: failed._id.toHexString(), attempt, takeOvers: this.config.maxTakeOvers },
                "lead failed: its hand-off was taken over too often, each worker stopping before recording it",
              );
            },
          }),
        ),
      )
    ).filter((lead) => lead !== null);
    const campaigns = new Map(callable.campaigns.map((campaign) => [campaign._id.toHexString(), campaign]));
    return leads.map((lead) => ({ lead, maxAttempts: maxAttemptsOf(campaigns.get(lead.campaignId.toHexString())) }));
  }

  private async skipSuppressed(lead: LeadDoc, suppression: SuppressionDoc): Promise<void> {
    const reason =
      suppression.reason ?? `on the ${suppression.campaignId ? "campaign's" : "account's"} suppression list`;
    if (await this.queue.markSuppressed(lead, this.config.workerId, reason, this.clock())) {
      this.stats.suppressed++;
      this.metrics.leadSuppressed();
    }
    this.log.info(
      { leadId: lead._id.toHexString(), source: suppression.source },
      "lead not handed off: its number is suppressed",
    );
  }

  private async handOffClaimed({ lead, maxAttempts }: ClaimedLead): Promise<void> {
    const { workerId } = this.config;
    const leadId = lead._id.toHexString();
    const started = performance.now();
    const outcome = await handOff(lead, {
      dialer: this.dialer,
      secret: this.config.dialerSecret,
      timeoutMs: this.config.handOffTimeoutMs,
      signal: this.shutdown.signal,
    });
    const seconds = (performance.now() - started) / 1000;
    if (this.shutdown.signal.aborted && outcome.kind !== "delivered") {
      if (await this.queue.release(lead, workerId, this.clock())) this.metrics.leaseReleased();
      return;
    }
    if (outcome.kind === "delivered") {
      this.deliveries.record(lead._id);
      this.stats.delivered++;
      this.metrics.handOffFinished("delivered", seconds);
      this.log.info({ leadId, attempt: lead.attempts }, "lead handed to the dialer");
      return;
    }
    if (outcome.kind === "rejected" || lead.attempts >= maxAttempts) {
      await this.queue.markFailed(lead, workerId, outcome.error, this.clock());
      this.stats.failed++;
      this.metrics.handOffFinished("failed", seconds);
      this.log.warn({ leadId, attempt: lead.attempts, error: outcome.error, detail: outcome.detail }, "lead failed");
      return;
    }
    const delay = backoffDelayMs(lead.attempts, {
      baseMs: this.config.retryBaseMs,
      maxMs: this.config.retryMaxMs,
      retryAfterMs: outcome.retryAfterMs,
    });
    const now = this.clock();
    await this.queue.scheduleRetry(lead, workerId, outcome.error, new Date(now.getTime() + delay), now);
    this.stats.retried++;
    this.metrics.handOffFinished("retried", seconds);
    this.log.info(
      { leadId, attempt: lead.attempts, retryInMs: delay, error: outcome.error, detail: outcome.detail },
      "hand-off will be retried",
    );
  }
}
