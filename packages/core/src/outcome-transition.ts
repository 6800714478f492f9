import {
  DEFAULT_RETRY_POLICY,
  RETRYABLE_OUTCOMES,
  type RetryPolicy,
  type RetryableOutcome,
} from "./campaign-schemas.ts";
import type { CallOutcome } from "./outcome-schemas.ts";

/** Where a reported outcome takes a lead. */
export type OutcomeTransition =
  | { state: "completed" }
  | { state: "suppressed"; reason: string }
  | { state: "failed"; error: string }
  | { state: "pending"; nextAttemptAt: Date };

const isRetryable = (outcome: CallOutcome): outcome is RetryableOutcome =>
  (RETRYABLE_OUTCOMES as readonly string[]).includes(outcome);

/**
 * What an outcome does to a lead: connected completes it, an opt-out
 * suppresses it, an invalid number fails it, and the rest send it back to
 * pending after the campaign's delay, until its attempts are used up.
 *
 * @example
 * outcomeTransition("busy", { attempts: 1, maxAttempts: 3 }, now) // pending, due 30 minutes after now
 */
export function outcomeTransition(
  outcome: CallOutcome,
  lead: { attempts: number; maxAttempts: number; retryPolicy?: Partial<RetryPolicy> },
  now: Date,
): OutcomeTransition {
  if (outcome === "connected") return { state: "completed" };
  if (outcome === "opted_out") return { state: "suppressed", reason: "opted out on a call" };
  if (outcome === "invalid_number") return { state: "failed", error: "the dialer reported an invalid number" };
  if (!isRetryable(outcome)) throw new Error(`unhandled outcome ${outcome satisfies never}`);
  if (lead.attempts >= lead.maxAttempts) {
    return { state: "failed", error: `${outcome} on the last of ${lead.maxAttempts} attempts` };
  }
  const minutes = lead.retryPolicy?.[outcome] ?? DEFAULT_RETRY_POLICY[outcome];
  return { state: "pending", nextAttemptAt: new Date(now.getTime() + minutes * 60_000) };
}
