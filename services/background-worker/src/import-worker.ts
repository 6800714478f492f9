import { backoffDelayMs, type WorkerLogger } from "@leadline/core";
import { translateDatabaseError, type ImportJobDoc } from "@leadline/db/imports";
import type { BackgroundWorkerConfig } from "./config.ts";
import { ImportFailure, processImport, type ImportStores, type ProcessOutcome } from "./process-import.ts";
import { sleep } from "./sleep.ts";

/**
 * What a tenant reads in `error` when a job fails on something other than
 * its file or its options: the details are the operator's, in the log.
 */
const INTERNAL_FAILURE =
  "The import stopped on an internal error; leads stored before it stay in the campaign. " +
  "Upload the file again, or contact support with this import's id";

const tooManyClaims = (maxClaims: number) =>
  `The import was started ${maxClaims} times (IMPORT_MAX_CLAIMS) and its worker stopped each time before it ` +
  `got any further in the file, so it was failed rather than tried again; leads stored before it stay in the campaign. ` +
  `Check the file, or split it into several imports`;

/**
 * Claims import jobs one at a time and works each to its end. Any number of
 * these can run: a job is held through a lease that the worker renews while
 * it works and that another worker takes over once it expires.
 *
 * A database outage does not fail a job: the worker waits with backoff and
 * resumes from the last checkpoint, as a new worker would. A failed or
 * cancelled job's file is deleted at once, a completed one's once
 * IMPORT_RETENTION_HOURS have passed; a job claimed more than
 * IMPORT_MAX_CLAIMS times without finishing is failed unread.
 */
export class ImportWorker {
  private readonly stopping = new AbortController();
  private loop: Promise<void> | undefined;

  constructor(
    private readonly config: BackgroundWorkerConfig,
    private readonly stores: ImportStores,
    private readonly log: WorkerLogger,
  ) {}

  start(): void {
    this.loop ??= this.run();
  }

  async stop(): Promise<void> {
    this.stopping.abort();
    await this.loop;
  }

  private async run(): Promise<void> {
    const signal = this.stopping.signal;
    let outageAttempts = 0;
    while (!signal.aborted) {
      try {
        await this.deleteExpiredFiles();
        const job = await this.stores.jobs.claim(this.config.workerId, this.config.leaseMs);
        outageAttempts = 0;
        if (!job) {
          await sleep(this.config.pollMs, signal);
          continue;
        }
        await this.work(job);
      } catch (error) {
        outageAttempts += 1;
        const delay = backoffDelayMs(outageAttempts, {
          baseMs: this.config.retryBaseMs,
          maxMs: this.config.retryMaxMs,
        });
        this.log.warn({ err: error, retryInMs: delay }, "imports loop: database unavailable, waiting");
        await sleep(delay, signal);
      }
    }
  }

  /** Works one claimed job; an outage mid-job is waited out and the job resumed from its checkpoint. */
  private async work(claimed: ImportJobDoc): Promise<void> {
    const { workerId, leaseMs } = this.config;
    const id = claimed._id.toHexString();
    this.log.info({ importId: id, claims: claimed.claims, fromLine: claimed.line }, "import claimed");
    if (claimed.claims > this.config.maxClaims) {
      this.log.warn({ importId: id, claims: claimed.claims }, "import failed: claimed too often without finishing");
      await this.end(claimed, "failed", tooManyClaims(this.config.maxClaims));
      return;
    }
    const renewal = setInterval(
      () => {
        this.stores.jobs.renew(claimed._id, workerId, leaseMs).catch(() => undefined);
      },
      Math.max(50, Math.floor(leaseMs / 3)),
    );
    try {
      let job: ImportJobDoc | null = claimed;
      for (let attempts = 1; job; attempts++) {
        try {
          const outcome = await processImport(
            job,
            this.stores,
            { workerId, leaseMs, batchSize: this.config.batchSize },
            this.log,
          );
          await this.end(job, outcome);
          return;
        } catch (error) {
          if (error instanceof ImportFailure || !translateDatabaseError(error)) {
            // Only an ImportFailure's message is written for the tenant; anything else is an internal detail.
            const message = error instanceof ImportFailure ? error.message : INTERNAL_FAILURE;
            this.log.warn({ importId: id, err: error }, "import failed");
            await this.end(job, "failed", message);
            return;
          }
          const delay = backoffDelayMs(attempts, { baseMs: this.config.retryBaseMs, maxMs: this.config.retryMaxMs });
          this.log.warn({ importId: id, err: error, retryInMs: delay }, "import paused: database unavailable");
          await sleep(delay, this.stopping.signal);
          if (this.stopping.signal.aborted) return;
          job = await this.reload(claimed);
        }
      }
    } finally {
      clearInterval(renewal);
    }
  }

  /** The job as stored, if this worker still holds it; retried through the outage. */
  private async reload(claimed: ImportJobDoc): Promise<ImportJobDoc | null> {
    for (let attempts = 1; !this.stopping.signal.aborted; attempts++) {
      try {
        const held = await this.stores.jobs.heldState(claimed._id, this.config.workerId);
        return held?.state === "running" ? held : null;
      } catch (error) {
        if (!translateDatabaseError(error)) throw error;
        await sleep(
          backoffDelayMs(attempts, { baseMs: this.config.retryBaseMs, maxMs: this.config.retryMaxMs }),
          this.stopping.signal,
        );
      }
    }
    return null;
  }

  private async end(job: ImportJobDoc, outcome: ProcessOutcome, error?: string): Promise<void> {
    const id = job._id.toHexString();
    let ended: ImportJobDoc | null = null;
    if (outcome === "completed" || outcome === "failed") {
      // Sends the end's webhook event too, once the end is recorded (see `owed-events.ts`).
      ended = await this.stores.jobs.finish(job._id, this.config.workerId, { state: outcome, error });
    } else if (outcome === "cancelled") {
      await this.stores.jobs.release(job._id, this.config.workerId);
    }
    // A failed or cancelled job will never read its file again: it goes now, not after the retention time.
    if ((outcome === "failed" && ended) || outcome === "cancelled") await this.deleteFile(job);
    this.log.info(
      {
        importId: id,
        outcome,
        state: ended?.state,
        created: ended?.created,
        skipped: ended?.skipped,
        invalid: ended?.invalid,
      },
      "import ended",
    );
  }

  private async deleteFile(job: ImportJobDoc): Promise<void> {
    if (!job.fileId) return;
    await this.stores.files.remove(job.fileId);
    await this.stores.jobs.forgetFile(job._id);
  }

  /** Files of completed jobs past the retention time, and of failed or cancelled ones a crash left behind. */
  private async deleteExpiredFiles(): Promise<void> {
    for (const job of await this.stores.jobs.filesDueForDeletion(this.config.retentionMs)) {
      await this.deleteFile(job);
      this.log.info({ importId: job._id.toHexString(), state: job.state }, "import file deleted");
    }
  }
}
