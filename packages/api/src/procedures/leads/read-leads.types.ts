import { campaignIdSchema, leadStateSchema, leadViewSchema, successEnvelope } from "@leadline/core";
import type { OpenApiMeta } from "trpc-to-openapi";
import { z } from "zod";
import { CAMPAIGN_NOT_FOUND, LEAD_NOT_FOUND, scopedErrors } from "../error-descriptions.ts";

export const MAX_PAGE_SIZE = 1000;
const limitProblem = `must be an integer from 1 to ${MAX_PAGE_SIZE}`;

export const listLeadsInput = z.strictObject({
  campaignId: campaignIdSchema,
  state: leadStateSchema.optional().meta({ description: "Only leads in this state" }),
  limit: z
    .int({ error: limitProblem })
    .min(1, limitProblem)
    .max(MAX_PAGE_SIZE, limitProblem)
    .default(100)
    .meta({ description: `Leads per page, 1 to ${MAX_PAGE_SIZE} (default 100)` }),
  cursor: z
    .string({ error: "must be a string" })
    .max(200, "is not valid: pass the nextCursor of the previous page")
    .optional()
    .meta({ description: "nextCursor of the previous page" }),
});

export const listLeadsOutput = successEnvelope(
  z.object({
    leads: z.array(leadViewSchema),
    nextCursor: z.string().nullable().meta({ description: "Pass as cursor for the next page; null on the last page" }),
  }),
);

export const listLeadsMeta: OpenApiMeta = {
  openapi: {
    method: "GET",
    path: "/campaigns/{campaignId}/leads",
    tags: ["leads"],
    operationId: "listLeads",
    summary: "List a campaign's leads, oldest first, a page at a time",
    description:
      "Cursor paging: every lead that exists when paging starts is returned exactly once, even while new leads arrive.",
    errorResponses: scopedErrors("read", { 400: "Invalid limit, state or cursor", 404: CAMPAIGN_NOT_FOUND }),
  },
};

export const getLeadInput = z.object({ leadId: z.string({ error: "must be a string" }).max(128, "is not valid") });
export const getLeadOutput = successEnvelope(leadViewSchema);
export const getLeadMeta: OpenApiMeta = {
  openapi: {
    method: "GET",
    path: "/leads/{leadId}",
    tags: ["leads"],
    operationId: "getLead",
    summary: "Get one lead",
    errorResponses: scopedErrors("read", { 404: LEAD_NOT_FOUND }),
  },
};
