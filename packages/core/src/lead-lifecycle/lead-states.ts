import { z } from "zod";
import { CREATED_LEAD_STATE, LEAD_TRANSITIONS } from "./transitions.ts";

type EndState = Exclude<(typeof LEAD_TRANSITIONS)[keyof typeof LEAD_TRANSITIONS]["to"], null>;

/** A lead's state. */
export type LeadState = typeof CREATED_LEAD_STATE | EndState;

/**
 * A lead's states, in the order a lead meets them: the state it is created in,
 * then each transition's end state in table order. The one list; schemas,
 * counts, views and the OpenAPI document read it.
 */
export const LEAD_STATES = [
  ...new Set<LeadState>([
    CREATED_LEAD_STATE,
    ...Object.values(LEAD_TRANSITIONS).flatMap((rule): EndState[] => (rule.to === null ? [] : [rule.to])),
  ]),
] as [LeadState, ...LeadState[]];

/** The states a claim starts from: the leads waiting to be handed off (due or not, leased or not). */
export const WAITING_LEAD_STATES = LEAD_TRANSITIONS.claim.from;

/** A lead state as callers name it, e.g. in `?state=`. */
export const leadStateSchema = z
  .enum(LEAD_STATES, { error: `must be one of ${LEAD_STATES.map((state) => `"${state}"`).join(", ")}` })
  .meta({
    description:
      "pending → dispatching (leased by a worker) → dispatched → completed, pending again (retry), failed or suppressed; completed, failed and suppressed are final",
  });

/**
 * One value per lead state, in {@link LEAD_STATES} order.
 *
 * @example
 * byLeadState(() => 0) // { pending: 0, dispatching: 0, dispatched: 0, completed: 0, failed: 0, suppressed: 0 }
 */
export function byLeadState<TValue>(value: (state: LeadState) => TValue): Record<LeadState, TValue> {
  return Object.fromEntries(LEAD_STATES.map((state) => [state, value(state)])) as Record<LeadState, TValue>;
}
