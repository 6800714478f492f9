/** How the dispatcher decided a hand-off: as `DispatcherStats` counts them. */
export type HandOffResult = "delivered" | "retried" | "failed";

/** What the dispatcher reports as it works. */
export interface DispatchMetrics {
  handOffFinished(result: HandOffResult, seconds: number): void;
  /** A claimed lead not handed off because its number is suppressed. */
  leadSuppressed(): void;
  /** A lease given back untried (shutdown), so another worker takes the lead at once. */
  leaseReleased(): void;
}

/** Reports nothing: for a dispatcher whose metrics nobody reads. */
export const NO_DISPATCH_METRICS: DispatchMetrics = { handOffFinished() {}, leadSuppressed() {}, leaseReleased() {} };
