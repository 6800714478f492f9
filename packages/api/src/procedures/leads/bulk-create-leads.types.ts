import { LIMITS, bulkCreateInputSchema, bulkCreateResponseSchema } from "@leadline/core";
import type { OpenApiMeta } from "trpc-to-openapi";

export const bulkCreateLeadsInput = bulkCreateInputSchema;
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
      `At most ${LIMITS.maxLeadsPerRequest} leads per request; bulk requests are rate limited per account.`,
    successDescription: "Leads created; duplicates skipped",
    errorResponses: {
      400: "Invalid request: the message names the field, e.g. leads[0].phoneNumber is required",
      401: "Missing or invalid API key",
      403: "The API key lacks the write scope",
      404: "Campaign not found",
      413: "Request body too large",
      415: "Content-Type must be application/json",
      429: "Rate limit exceeded; see Retry-After",
      503: "The database is unavailable; retry after Retry-After seconds",
    },
  },
};
