import { LIMITS, bulkCreateInputSchema, bulkCreateResponseSchema, parseBulkCreateInput } from "@leadline/core";
import type { OpenApiMeta } from "trpc-to-openapi";
import { CAMPAIGN_NOT_FOUND, ERROR_DESCRIPTIONS, scopedErrors } from "../error-descriptions.ts";

/**
 * The request schema, as the OpenAPI document and typed clients see it, whose `parse` (what tRPC
 * calls: test/bulk-leads-fast-parser.test.ts pins that) takes the shortcut for common valid leads:
 * same result, same messages.
 */
export const bulkCreateLeadsInput: typeof bulkCreateInputSchema = Object.assign(
  Object.create(bulkCreateInputSchema) as typeof bulkCreateInputSchema,
  { parse: parseBulkCreateInput },
);
export const bulkCreateLeadsOutput = bulkCreateResponseSchema;

export const bulkCreateLeadsMeta: OpenApiMeta = {
  openapi: {
    method: "POST",
    path: "/leads/bulk",
    tags: ["leads"],
    operationId: "bulkCreateLeads",
    summary: "Create up to 1000 leads in a campaign",
    description:
      `Creates leads in one campaign. A lead whose phone number the campaign already has, stored earlier or ` +
      `earlier in the same request, is skipped rather than failing the request, so retries are safe. ` +
      `A lead whose number is on the account's or the campaign's suppression list is not stored either: it ` +
      `counts as skipped and is listed in suppressedPhones too. ` +
      `At most ${LIMITS.maxLeadsPerRequest} leads per request; bulk requests are rate limited per account.`,
    successDescription: "Leads created; duplicates skipped",
    errorResponses: scopedErrors("write", {
      400: `${ERROR_DESCRIPTIONS[400]}, e.g. leads[0].phoneNumber is required`,
      404: CAMPAIGN_NOT_FOUND,
      413: ERROR_DESCRIPTIONS[413],
      415: ERROR_DESCRIPTIONS[415],
      429: "Rate limit exceeded; see Retry-After",
      503: ERROR_DESCRIPTIONS[503],
    }),
  },
};
