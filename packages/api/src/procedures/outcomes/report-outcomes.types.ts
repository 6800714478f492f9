import {
  MAX_OUTCOMES_PER_REQUEST,
  reportOutcomesInputSchema,
  reportOutcomesResultSchema,
  successEnvelope,
} from "@leadline/core";
import type { OpenApiMeta } from "trpc-to-openapi";
import { ERROR_DESCRIPTIONS, scopedErrors } from "../error-descriptions.ts";

export const reportOutcomesInput = reportOutcomesInputSchema;
export const reportOutcomesOutput = successEnvelope(reportOutcomesResultSchema);

export const reportOutcomesMeta: OpenApiMeta = {
  openapi: {
    method: "POST",
    path: "/outcomes",
    tags: ["outcomes"],
    operationId: "reportOutcomes",
    summary: `Report what happened on up to ${MAX_OUTCOMES_PER_REQUEST} calls`,
    description:
      "For the dialer, with an API key of scope dialer. connected completes a lead; no_answer, busy, voicemail " +
      "and failed send it back to pending after the campaign's retryPolicy delay, or fail it once maxAttempts " +
      "is reached; opted_out suppresses it and adds its number to the account's suppression list; " +
      "invalid_number fails it. Idempotent by (leadId, attempt): a repeat is ignored as duplicate, an outcome " +
      "for an attempt other than the lead's latest hand-off as stale_attempt, an unknown lead as not_found. " +
      "The dispatcher's hand-off (POST to DIALER_URL) is signed with Leadline-Signature: t=<unix seconds>," +
      'v1=<hex HMAC-SHA256 of "<t>.<body>"> under DIALER_SECRET and carries Idempotency-Key: <leadId>:<attempt>, ' +
      "one key per hand-off: the outcome of a hand-off repeated after a crash (same key) applies to that attempt.",
    successDescription: "How many outcomes applied, and which were ignored and why",
    errorResponses: scopedErrors("dialer", {
      400: `${ERROR_DESCRIPTIONS[400]}, e.g. outcomes[0].outcome is required`,
      413: ERROR_DESCRIPTIONS[413],
      415: ERROR_DESCRIPTIONS[415],
      503: ERROR_DESCRIPTIONS[503],
    }),
  },
};
