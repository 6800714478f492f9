import type { Filter } from "mongodb";
import type { Collections } from "./collections.ts";
import type { LeadDoc } from "./documents.ts";
import { createLeadTransitions } from "./lead-lifecycle/transition.ts";

/**
 * Attempts count hand-offs, not claims. A claim counts one (`$inc`), and
 * every recorded result of a hand-off that sends the lead round again (a
 * retry scheduled, an outcome applied) sets `settledAttempts` to that
 * attempt. A claim past `settledAttempts + 1` is therefore a take-over of a
 * hand-off whose worker died before recording anything: the same hand-off,
 * repeated, which must carry the same attempt (and so the same
 * Idempotency-Key), and whose outcome, reported later, must still apply.
 *
 * Leads stored before `settledAttempts` existed have none: one that never
 * had a result recorded is at 0; for one that had, the count is unknown and
 * the claim is taken as it is.
 */
export function settledAttemptsOf(lead: LeadDoc): number | undefined {
  if (lead.settledAttempts !== undefined) return lead.settledAttempts;
  return lead.lastError === undefined && lead.outcomes === undefined ? 0 : undefined;
}

/** The attempt a claimed lead's hand-off repeats, when its claim took over a dead worker's; else undefined. */
export function replayedAttempt(lead: LeadDoc): number | undefined {
  const settled = settledAttemptsOf(lead);
  return settled !== undefined && lead.attempts > settled + 1 ? settled + 1 : undefined;
}

/**
 * Leads whose hand-off `attempt` was taken over by a claim not yet brought
 * back to that attempt (see {@link replayedAttempt}): an outcome for that
 * attempt applies to them as to a lead still at it.
 */
export function takenOverFrom(attempt: number): Filter<LeadDoc> {
  const settled: Filter<LeadDoc> =
    attempt > 1
      ? { settledAttempts: attempt - 1 }
      : {
          $or: [
            { settledAttempts: 0 },
            { settledAttempts: { $exists: false }, lastError: { $exists: false }, outcomes: { $exists: false } },
          ],
        };
  return { state: "dispatching", attempts: { $gt: attempt }, ...settled };
}

/** What a lead whose hand-off kept being taken over is failed with: tenants see it as `lastError`. */
export const takeOversExhaustedError = (maxTakeOvers: number) =>
  `The hand-off was taken over ${maxTakeOvers} times (DISPATCH_MAX_TAKE_OVERS), each worker stopping before it recorded the dialer's answer, so the lead was failed rather than sent again`;

/** How a claimed lead's hand-off is resumed: at most `maxTakeOvers` take-overs of one attempt in a row. */
export interface ResumeOptions {
  maxTakeOvers: number;
  /** Told when a lead is failed for being taken over too often (the dispatcher logs it). */
  onExhausted?(lead: LeadDoc, attempt: number): void;
}

export function createHandOffReplays(collections: Collections) {
  const transitions = createLeadTransitions(collections);
  return {
    /**
     * A claimed lead as its hand-off must go out: unchanged, or, when the claim took over a dead
     * worker's hand-off, brought back to that hand-off's attempt (one guarded update, only then).
     * Null when the lease was lost meanwhile (an outcome for the attempt arrived): nothing to send.
     * Null too, the lead failed, when this would be more than `maxTakeOvers` take-overs of the same
     * attempt in a row: a hand-off that stops every worker that sends it is not sent for ever.
     */
    async resumeClaimed(lead: LeadDoc, workerId: string, now: Date, options: ResumeOptions): Promise<LeadDoc | null> {
      const attempt = replayedAttempt(lead);
      if (attempt === undefined) return lead;
      const where = { _id: lead._id, leaseOwner: workerId, attempts: lead.attempts };
      const takeOvers = (lead.takeOverAttempt === attempt ? (lead.takeOvers ?? 0) : 0) + 1;
      if (takeOvers > options.maxTakeOvers) {
        const failed = await transitions.one("takeOversExhausted", {
          where,
          now,
          values: { lastError: takeOversExhaustedError(options.maxTakeOvers) },
          attempt,
        });
        if (failed) options.onExhausted?.(lead, attempt);
        return null;
      }
      const resumed = await transitions.one("replayTakenOver", {
        where,
        now,
        values: { takeOvers, takeOverAttempt: attempt },
        attempt,
      });
      return resumed ? { ...lead, attempts: attempt, takeOvers, takeOverAttempt: attempt, updatedAt: now } : null;
    },
  };
}

export type HandOffReplays = ReturnType<typeof createHandOffReplays>;
