import { z } from "zod";

/** A lead's states, in the order a lead moves through them. The one list; the rest derive from it. */
export const LEAD_STATES = ["pending", "dispatching", "dispatched", "completed", "failed", "suppressed"] as const;

/** States a lead never leaves. */
export const TERMINAL_LEAD_STATES = ["completed", "failed", "suppressed"] as const satisfies readonly LeadState[];

/** A lead state as callers name it, e.g. in `?state=`. */
export const leadStateSchema = z
  .enum(LEAD_STATES, { error: `must be one of ${LEAD_STATES.map((state) => `"${state}"`).join(", ")}` })
  .meta({
    description:
      "pending → dispatching (leased by a worker) → dispatched → completed, pending again (retry), failed or suppressed; completed, failed and suppressed are final",
  });

export type LeadState = z.infer<typeof leadStateSchema>;

/**
 * One value per lead state, in {@link LEAD_STATES} order.
 *
 * @example
 * byLeadState(() => 0) // { pending: 0, dispatching: 0, dispatched: 0, completed: 0, failed: 0, suppressed: 0 }
 */
export function byLeadState<TValue>(value: (state: LeadState) => TValue): Record<LeadState, TValue> {
  return Object.fromEntries(LEAD_STATES.map((state) => [state, value(state)])) as Record<LeadState, TValue>;
}
