import { campaignIdSchema, leadStateSchema, leadViewSchema, successEnvelope } from "@leadline/core";
import type { OpenApiMeta } from "trpc-to-openapi";
import { z } from "zod";
import { CAMPAIGN_NOT_FOUND, LEAD_NOT_FOUND, scopedErrors } from "../error-descriptions.ts";
import { nextCursorOutput, pagingInput } from "../paging.ts";

export const listLeadsInput = z.strictObject({
  campaignId: campaignIdSchema,
  state: leadStateSchema.optional().meta({ description: "Only leads in this state" }),
  ...pagingInput("Leads"),
});

export const listLeadsOutput = successEnvelope(
  z.object({
    leads: z.array(leadViewSchema),
    nextCursor: nextCursorOutput(),
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
