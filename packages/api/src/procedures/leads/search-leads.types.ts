import { LIMITS, campaignIdSchema, leadInputSchema } from "@leadline/core";
import type { OpenApiMeta } from "trpc-to-openapi";
import { z } from "zod";
import { CAMPAIGN_NOT_FOUND, scopedErrors } from "../error-descriptions.ts";
import { listLeadsInput, listLeadsOutput } from "./read-leads.types.ts";

const phoneFilter = leadInputSchema.in.shape.phoneNumber.meta({
  description: "Only the leads with this phone number (E.164; spaces and dashes are ignored)",
});

export const searchLeadsInput = z.strictObject({
  campaignId: campaignIdSchema.optional().meta({ description: "Only this campaign's leads" }),
  externalId: z
    .string({ error: "must be a string" })
    .max(LIMITS.externalIdMaxLength, `must be at most ${LIMITS.externalIdMaxLength} characters`)
    .optional()
    .meta({ description: "Only the leads with this CRM id", example: "CRM_001" }),
  phoneNumber: phoneFilter.optional(),
  state: listLeadsInput.shape.state,
  limit: listLeadsInput.shape.limit,
  cursor: listLeadsInput.shape.cursor,
});

export const searchLeadsOutput = listLeadsOutput;

export const searchLeadsMeta: OpenApiMeta = {
  openapi: {
    method: "GET",
    path: "/leads",
    tags: ["leads"],
    operationId: "searchLeads",
    summary: "Find leads across the account's campaigns by CRM id, phone number or state",
    description:
      "Every filter given must match. Oldest first, a page at a time: pass `nextCursor` as `cursor` for the next page.",
    errorResponses: scopedErrors("read", {
      400: "Invalid filter, limit or cursor",
      404: CAMPAIGN_NOT_FOUND,
    }),
  },
};
