import { z } from "zod";

/** What happened on a call, as the dialer reports it. */
export const CALL_OUTCOMES = [
  "connected",
  "no_answer",
  "busy",
  "voicemail",
  "opted_out",
  "invalid_number",
  "failed",
] as const;
export type CallOutcome = (typeof CALL_OUTCOMES)[number];

/** Why a reported outcome changed nothing. */
export const IGNORED_OUTCOME_REASONS = ["duplicate", "stale_attempt", "not_found"] as const;
export type IgnoredOutcomeReason = (typeof IGNORED_OUTCOME_REASONS)[number];

export const MAX_OUTCOMES_PER_REQUEST = 1000;

/** How many outcomes a lead's history keeps: one per attempt, and attempts are capped at 20. */
export const OUTCOME_HISTORY_LIMIT = 20;

const requiredOr = (problem: string) => (issue: { input?: unknown }) =>
  issue.input === undefined ? "is required" : problem;

export const callOutcomeSchema = z.enum(CALL_OUTCOMES, {
  error: requiredOr(`must be one of ${CALL_OUTCOMES.map((outcome) => `"${outcome}"`).join(", ")}`),
});

const outcomeItemSchema = z.strictObject(
  {
    leadId: z.string({ error: requiredOr("must be a string") }).max(128, "is not valid"),
    attempt: z
      .int({ error: requiredOr("must be a positive integer") })
      .min(1, "must be a positive integer")
      .max(1_000, "must be a positive integer up to 1000")
      .meta({
        description:
          "The hand-off's `attempt`, echoed. Each hand-off carries `Idempotency-Key: <leadId>:<attempt>`; a hand-off " +
          "repeated after a worker crash has the same attempt and key, a retry a new attempt",
      }),
    outcome: callOutcomeSchema,
    occurredAt: z.iso
      .datetime({ offset: true, error: "must be an ISO 8601 timestamp with a time zone" })
      .optional()
      .meta({ description: "When the call ended; default: when the report arrived" }),
    durationSeconds: z
      .int({ error: "must be an integer from 0 to 86400" })
      .min(0, "must be an integer from 0 to 86400")
      .max(86_400, "must be an integer from 0 to 86400")
      .optional(),
    details: z.string({ error: "must be a string" }).max(1_000, "must be at most 1000 characters").optional(),
  },
  {
    error: (issue) =>
      issue.code === "unrecognized_keys"
        ? `has unknown field${issue.keys.length > 1 ? "s" : ""} ${issue.keys.map((key) => `"${key}"`).join(", ")}`
        : "must be an object",
  },
);

export type OutcomeReport = z.output<typeof outcomeItemSchema>;

export const reportOutcomesInputSchema = z.strictObject(
  {
    outcomes: z
      .array(outcomeItemSchema, { error: "array is required" })
      .min(1, "array cannot be empty")
      .max(MAX_OUTCOMES_PER_REQUEST, `Maximum ${MAX_OUTCOMES_PER_REQUEST} outcomes per request`)
      .meta({ description: `1 to ${MAX_OUTCOMES_PER_REQUEST} call outcomes` }),
  },
  { error: () => "Request body must be a JSON object with outcomes" },
);

export const reportOutcomesResultSchema = z.object({
  applied: z.int().min(0).meta({ description: "Outcomes that changed their lead" }),
  ignored: z
    .array(
      z.object({
        index: z.int().meta({ description: "Position in the request's outcomes" }),
        leadId: z.string(),
        reason: z.enum(IGNORED_OUTCOME_REASONS),
      }),
    )
    .meta({
      description:
        "Outcomes that changed nothing: duplicate (already reported), stale_attempt (not the lead's latest hand-off), not_found",
    }),
});

export const outcomeEntrySchema = z.object({
  attempt: z.int(),
  outcome: callOutcomeSchema,
  occurredAt: z.string().meta({ format: "date-time" }),
  durationSeconds: z.int().nullable(),
  details: z.string().nullable(),
});
