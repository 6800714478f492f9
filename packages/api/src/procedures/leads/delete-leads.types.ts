import { LIMITS, campaignIdSchema, leadInputSchema, successEnvelope } from "@leadline/core";
import type { OpenApiMeta } from "trpc-to-openapi";
import { z } from "zod";
import { CAMPAIGN_NOT_FOUND, ERROR_DESCRIPTIONS, LEAD_NOT_FOUND, scopedErrors } from "../error-descriptions.ts";
import { getLeadInput } from "./read-leads.types.ts";

const MAX = LIMITS.maxLeadsPerRequest;

export const deleteLeadInput = getLeadInput;
export const deleteLeadOutput = successEnvelope(
  z.object({ id: z.string().meta({ description: "The deleted lead's id" }), deleted: z.literal(true) }),
);
export const deleteLeadMeta: OpenApiMeta = {
  openapi: {
    method: "DELETE",
    path: "/leads/{leadId}",
    tags: ["leads"],
    operationId: "deleteLead",
    summary: "Delete one lead",
    description:
      "The lead leaves listings and counts, and its phone number may be imported into the campaign again. " +
      "A lead a worker is handing to the dialer at that moment may still reach it once; it is not handed over again.",
    errorResponses: scopedErrors("write", { 404: LEAD_NOT_FOUND }),
  },
};

export const bulkDeleteLeadsInput = z
  .strictObject(
    {
      campaignId: campaignIdSchema,
      leadIds: z
        .array(z.string({ error: "must be a string" }).max(128, "is not a lead id"), { error: "must be an array" })
        .max(MAX, `must have at most ${MAX} entries`)
        .optional()
        .meta({ description: `Ids of leads to delete (up to ${MAX})`, example: ["6650c0ffee00000000000abc"] }),
      phoneNumbers: z
        .array(leadInputSchema.in.shape.phoneNumber, { error: "must be an array" })
        .max(MAX, `must have at most ${MAX} entries`)
        .optional()
        .meta({ description: `Phone numbers of leads to delete (up to ${MAX})`, example: ["+15555551234"] }),
    },
    {
      error: (issue) =>
        issue.code === "unrecognized_keys"
          ? `Request body has unknown field${issue.keys.length > 1 ? "s" : ""} ${issue.keys.map((key) => `"${key}"`).join(", ")}`
          : "Request body must be a JSON object with campaignId and leadIds or phoneNumbers",
    },
  )
  .refine((input) => (input.leadIds?.length ?? 0) + (input.phoneNumbers?.length ?? 0) > 0, {
    message: "Send leadIds or phoneNumbers: at least one lead to delete",
  });

export const bulkDeleteLeadsOutput = successEnvelope(
  z.object({
    deleted: z.int().min(0).meta({ description: "Number of leads deleted" }),
    notFound: z.array(z.string()).meta({
      description:
        "The ids and phone numbers (E.164) that named no lead of the campaign, ids first, each in request order",
    }),
  }),
);

export const bulkDeleteLeadsMeta: OpenApiMeta = {
  openapi: {
    method: "POST",
    path: "/leads/bulk-delete",
    tags: ["leads"],
    operationId: "bulkDeleteLeads",
    summary: "Delete up to 1000 leads of a campaign by id or phone number",
    description:
      "Deleted leads leave listings and counts, and their phone numbers may be imported into the campaign again.",
    successDescription: "Leads deleted; what matched nothing is listed in notFound",
    errorResponses: scopedErrors("write", {
      400: `${ERROR_DESCRIPTIONS[400]}, e.g. phoneNumbers[0] must be a valid E.164 phone number`,
      404: CAMPAIGN_NOT_FOUND,
    }),
  },
};
