/** The state a lead is stored in at ingest: creation, not a transition. */
export const CREATED_LEAD_STATE = "pending";

/** The fields that hold a worker's lease: set by a claim, cleared by whatever ends the hand-off. */
const LEASE = ["leaseOwner", "leaseToken", "leaseExpiresAt"] as const;

/** States in which a lead takes an outcome for its latest hand-off (its worker may not have recorded it yet). */
const OUTCOME_ACCEPTING = ["dispatching", "dispatched", "pending"] as const;

/** Lead fields a transition sets from the caller's values or clears. */
export type LeadTransitionField =
  | (typeof LEASE)[number]
  | "nextAttemptAt"
  | "lastError"
  | "suppressionReason"
  | "takeOvers"
  | "takeOverAttempt";

/** A transition's row of {@link LEAD_TRANSITIONS}. */
export interface LeadTransitionRule {
  /** The states it may start from; `"any"`: whichever the lead is in. */
  from: readonly string[] | "any";
  /** The state it ends in; null: the lead is deleted. */
  to: string | null;
  /** Fields set to the caller's values. */
  sets: readonly LeadTransitionField[];
  /** A field set to the transition's time. */
  stamps?: "dispatchedAt" | "completedAt" | "failedAt" | "suppressedAt";
  /** Fields removed. */
  clears: readonly LeadTransitionField[];
  /** `count` +1 (a hand-off begins), `uncount` −1 (it never happened), `set` to the given attempt, or `keep`. */
  attempts: "count" | "uncount" | "set" | "keep";
  /** `set`: `settledAttempts` becomes the given attempt (a result of that hand-off is recorded); else kept. */
  settledAttempts: "set" | "keep";
  /** Whether it records a reported outcome (`lastOutcome`, and the capped `outcomes` history). */
  recordsOutcome: boolean;
  /** The webhook event it sends, named by the given attempt. */
  event: "lead.completed" | "lead.failed" | "lead.suppressed" | null;
}

/**
 * Every way a lead's state changes: the one table the database's
 * `transition()` builds its guarded updates from. A lead is created
 * {@link CREATED_LEAD_STATE}; rows are in the order a lead meets them, and
 * {@link LEAD_STATES} is read from them in that order.
 */
export const LEAD_TRANSITIONS = {
  /** A worker leases a due lead, or one whose lease expired (its worker died). */
  claim: {
    from: ["pending", "dispatching"],
    to: "dispatching",
    sets: LEASE,
    clears: [],
    attempts: "count",
    settledAttempts: "keep",
    recordsOutcome: false,
    event: null,
  },
  /** A claim that took over a dead worker's hand-off goes out again as that hand-off's attempt. */
  replayTakenOver: {
    from: ["dispatching"],
    to: "dispatching",
    sets: ["takeOvers", "takeOverAttempt"],
    clears: [],
    attempts: "set",
    settledAttempts: "keep",
    recordsOutcome: false,
    event: null,
  },
  /** The dialer took the hand-off. */
  handedOff: {
    from: ["dispatching"],
    to: "dispatched",
    sets: [],
    stamps: "dispatchedAt",
    clears: [...LEASE, "lastError"],
    attempts: "keep",
    settledAttempts: "keep",
    recordsOutcome: false,
    event: null,
  },
  /** The call connected. */
  completed: {
    from: OUTCOME_ACCEPTING,
    to: "completed",
    sets: [],
    stamps: "completedAt",
    clears: LEASE,
    attempts: "set",
    settledAttempts: "set",
    recordsOutcome: true,
    event: "lead.completed",
  },
  /** The dialer refused the hand-off, or its last attempt failed. */
  handOffFailed: {
    from: ["dispatching"],
    to: "failed",
    sets: ["lastError"],
    stamps: "failedAt",
    clears: LEASE,
    attempts: "keep",
    settledAttempts: "keep",
    recordsOutcome: false,
    event: "lead.failed",
  },
  /**
   * A hand-off taken over from a dead worker more often than the dispatcher allows, each worker
   * stopping before it recorded the dialer's answer: failed as that attempt, never sent again.
   */
  takeOversExhausted: {
    from: ["dispatching"],
    to: "failed",
    sets: ["lastError"],
    stamps: "failedAt",
    clears: LEASE,
    attempts: "set",
    settledAttempts: "keep",
    recordsOutcome: false,
    event: "lead.failed",
  },
  /** A claimed lead's number is suppressed: never handed off, the attempt not counted. */
  suppressedAtClaim: {
    from: ["dispatching"],
    to: "suppressed",
    sets: ["suppressionReason"],
    stamps: "suppressedAt",
    clears: LEASE,
    attempts: "uncount",
    settledAttempts: "keep",
    recordsOutcome: false,
    event: "lead.suppressed",
  },
  /** The hand-off failed for now: due again after a back-off. */
  handOffRetry: {
    from: ["dispatching"],
    to: "pending",
    sets: ["nextAttemptAt", "lastError"],
    clears: LEASE,
    attempts: "keep",
    settledAttempts: "set",
    recordsOutcome: false,
    event: null,
  },
  /** A lease given back untried (shutdown): due now, the attempt not counted. */
  released: {
    from: ["dispatching"],
    to: "pending",
    sets: ["nextAttemptAt"],
    clears: LEASE,
    attempts: "uncount",
    settledAttempts: "keep",
    recordsOutcome: false,
    event: null,
  },
  /** No answer, busy, voicemail or a failed call with attempts left: due again after the campaign's delay. */
  outcomeRetry: {
    from: OUTCOME_ACCEPTING,
    to: "pending",
    sets: ["nextAttemptAt"],
    clears: LEASE,
    attempts: "set",
    settledAttempts: "set",
    recordsOutcome: true,
    event: null,
  },
  /** An invalid number, or a retryable outcome on the last attempt. */
  outcomeFailed: {
    from: OUTCOME_ACCEPTING,
    to: "failed",
    sets: ["lastError"],
    stamps: "failedAt",
    clears: LEASE,
    attempts: "set",
    settledAttempts: "set",
    recordsOutcome: true,
    event: "lead.failed",
  },
  /** The person opted out on the call. */
  outcomeSuppressed: {
    from: OUTCOME_ACCEPTING,
    to: "suppressed",
    sets: ["suppressionReason"],
    stamps: "suppressedAt",
    clears: LEASE,
    attempts: "set",
    settledAttempts: "set",
    recordsOutcome: true,
    event: "lead.suppressed",
  },
  /** The account deleted the lead: it leaves listings and counts, and a worker holding it finds nothing to update. */
  deleted: {
    from: "any",
    to: null,
    sets: [],
    clears: [],
    attempts: "keep",
    settledAttempts: "keep",
    recordsOutcome: false,
    event: null,
  },
} as const satisfies Record<string, LeadTransitionRule>;

/** A row's name in {@link LEAD_TRANSITIONS}. */
export type LeadTransitionName = keyof typeof LEAD_TRANSITIONS;

/** The fields `name` sets from the caller's values. */
export type LeadTransitionSets<TName extends LeadTransitionName> = (typeof LEAD_TRANSITIONS)[TName]["sets"][number];
