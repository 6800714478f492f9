import {
  campaignIdSchema,
  campaignSettingsSchema,
  campaignStatsSchema,
  campaignViewSchema,
  successEnvelope,
} from "@leadline/core";
import { z } from "zod";
import { CAMPAIGN_NOT_FOUND, ERROR_DESCRIPTIONS, scopedErrors } from "../error-descriptions.ts";
import { taggedOperations } from "../operation-meta.ts";

const READ_ERRORS = scopedErrors("read", { 404: CAMPAIGN_NOT_FOUND });
const WRITE_ERRORS = scopedErrors("write", { 400: ERROR_DESCRIPTIONS[400] });

const openapi = taggedOperations("campaigns");

/** Settings a caller may leave out on create and on update alike. */
const optionalSettings = {
  status: campaignSettingsSchema.status.optional(),
  callingHours: campaignSettingsSchema.callingHours.optional(),
  maxAttempts: campaignSettingsSchema.maxAttempts.optional(),
  retryPolicy: campaignSettingsSchema.retryPolicy.optional(),
  defaultCountry: campaignSettingsSchema.defaultCountry.optional(),
};

export const createCampaignInput = z.strictObject({
  name: campaignSettingsSchema.name,
  ...optionalSettings,
  callingHours: campaignSettingsSchema.callingHours.optional().meta({
    description:
      "When the campaign may call. Left out: 08:00–21:00 every day on the recipient's clock, fallback America/New_York; null: any time",
  }),
});
export const campaignOutput = successEnvelope(campaignViewSchema);
export const createCampaignMeta = openapi({
  method: "POST",
  path: "/campaigns",
  operationId: "createCampaign",
  summary: "Create a campaign",
  successDescription: "The new campaign",
  errorResponses: { ...WRITE_ERRORS, 422: "The account already has its most campaigns (MAX_CAMPAIGNS_PER_ACCOUNT)" },
});

export const listCampaignsInput = z.object({});
export const listCampaignsOutput = successEnvelope(z.object({ campaigns: z.array(campaignViewSchema) }));
export const listCampaignsMeta = openapi({
  method: "GET",
  path: "/campaigns",
  operationId: "listCampaigns",
  summary: "List the account's campaigns (oldest first, up to 1000)",
  errorResponses: scopedErrors("read"),
});

export const campaignPathInput = z.object({ campaignId: campaignIdSchema });
export const getCampaignMeta = openapi({
  method: "GET",
  path: "/campaigns/{campaignId}",
  operationId: "getCampaign",
  summary: "Get one campaign",
  errorResponses: READ_ERRORS,
});

export const updateCampaignInput = z
  .strictObject({ campaignId: campaignIdSchema, name: campaignSettingsSchema.name.optional(), ...optionalSettings })
  .refine((input) => Object.keys(input).some((key) => key !== "campaignId"), {
    message:
      "Nothing to update: send at least one of name, status, callingHours, maxAttempts, retryPolicy, defaultCountry",
  });
export const updateCampaignMeta = openapi({
  method: "PATCH",
  path: "/campaigns/{campaignId}",
  operationId: "updateCampaign",
  summary:
    "Pause or resume a campaign, or change its name, calling hours, maximum attempts, retry delays or default country",
  errorResponses: { ...WRITE_ERRORS, 404: CAMPAIGN_NOT_FOUND },
});

export const campaignStatsOutput = successEnvelope(campaignStatsSchema);
export const campaignStatsMeta = openapi({
  method: "GET",
  path: "/campaigns/{campaignId}/stats",
  operationId: "getCampaignStats",
  summary: "Lead counts of a campaign by state and by last call outcome",
  errorResponses: READ_ERRORS,
});
