import { campaignIdSchema, leadInputSchema, leadViewSchema, successEnvelope } from "@leadline/core";
import type { OpenApiMeta } from "trpc-to-openapi";
import { z } from "zod";
import { CAMPAIGN_NOT_FOUND, ERROR_DESCRIPTIONS, scopedErrors } from "../error-descriptions.ts";
import type { SuccessStatusMeta } from "../success-statuses.ts";

/**
 * One lead and its campaign: the bulk request's lead fields, same rules and
 * messages, taken from the bulk schema so that they cannot drift apart.
 */
export const createLeadInput = z
  .strictObject(
    { campaignId: campaignIdSchema, ...leadInputSchema.in.shape },
    {
      error: (issue) =>
        issue.code === "unrecognized_keys"
          ? `Request body has unknown field${issue.keys.length > 1 ? "s" : ""} ${issue.keys.map((key) => `"${key}"`).join(", ")}; put custom data in metadata`
          : "Request body must be a JSON object with campaignId and phoneNumber",
    },
  )
  .transform(({ campaignId, ...fields }) => ({ campaignId, lead: leadInputSchema.out.parse(fields) }));

export const createLeadOutput = successEnvelope(
  z.object({
    created: z.boolean().meta({ description: "True when this request stored the lead; false when it already existed" }),
    lead: leadViewSchema,
  }),
);

export const createLeadMeta: OpenApiMeta & SuccessStatusMeta = {
  openapi: {
    method: "POST",
    path: "/leads",
    tags: ["leads"],
    operationId: "createLead",
    summary: "Create one lead",
    description:
      "Creates one lead in a campaign, with the rules and messages of the bulk endpoint. " +
      "If the campaign already has a lead with this phone number, answers 200 with that lead and `created: false`.",
    successDescription: "The campaign already had a lead with this phone: that lead, with created: false",
    errorResponses: scopedErrors("write", {
      400: `${ERROR_DESCRIPTIONS[400]}, e.g. phoneNumber is required`,
      404: CAMPAIGN_NOT_FOUND,
      422: "The number is on the do-not-call list for this campaign (or the account); nothing was stored",
    }),
  },
  successStatuses: { 201: "Lead created: the new lead, with created: true" },
};
