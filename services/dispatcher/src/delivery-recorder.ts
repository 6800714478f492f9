import type { DispatchQueue, ObjectId } from "@leadline/db/dispatch";
import type { WorkerLogger } from "./logger.ts";

/**
 * Marks delivered leads `dispatched` in batches: one update per `maxBatch`
 * leads or per `maxDelayMs`, instead of one round trip each. A lead waits
 * in `dispatching` meanwhile; should the worker die first, its lease expires
 * and the lead is handed over again with the same Idempotency-Key, as after
 * any crash.
 */
export class DeliveryRecorder {
  private pending: ObjectId[] = [];
  private timer: ReturnType<typeof setTimeout> | undefined;
  private flushing: Promise<void> = Promise.resolve();

  constructor(
    private readonly queue: Pick<DispatchQueue, "markManyDispatched">,
    private readonly workerId: string,
    private readonly log: WorkerLogger,
    /** The clock the hand-offs are recorded on. */
    private readonly clock: () => Date = () => new Date(),
    private readonly maxBatch = 100,
    private readonly maxDelayMs = 20,
  ) {}

  record(leadId: ObjectId): void {
    this.pending.push(leadId);
    if (this.pending.length >= this.maxBatch) void this.flush();
    else this.timer ??= setTimeout(() => void this.flush(), this.maxDelayMs);
  }

  /** Writes what is pending; resolves when every earlier write is done too. */
  flush(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    const batch = this.pending;
    this.pending = [];
    if (batch.length > 0) {
      this.flushing = this.flushing.then(async () => {
        try {
          const recorded = await this.queue.markManyDispatched(batch, this.workerId, this.clock());
          if (recorded < batch.length) {
            this.log.warn(
              { delivered: batch.length, recorded },
              "some delivered leads had lost their lease; another worker may hand them over again",
            );
          }
        } catch (error) {
          this.log.error(
            { err: error, leads: batch.length },
            "recording deliveries failed; their leases will expire and the leads be handed over again",
          );
        }
      });
    }
    return this.flushing;
  }
}
