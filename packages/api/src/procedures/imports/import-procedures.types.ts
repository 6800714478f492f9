import { campaignIdSchema, importViewSchema, successEnvelope } from "@leadline/core";
import { z } from "zod";
import { CAMPAIGN_NOT_FOUND, IMPORT_NOT_FOUND, scopedErrors } from "../error-descriptions.ts";
import { resourceIdSchema, taggedOperations } from "../operation-meta.ts";

const openapi = taggedOperations("imports");

const importIdSchema = resourceIdSchema("The import job's id", "6650c0ffee00000000000009");

export const importPathInput = z.object({ importId: importIdSchema });
export const importOutput = successEnvelope(importViewSchema);

export const getImportMeta = openapi({
  method: "GET",
  path: "/imports/{importId}",
  operationId: "getImport",
  summary: "An import job's state, counters and progress",
  errorResponses: scopedErrors("read", { 404: IMPORT_NOT_FOUND }),
});

export const cancelImportMeta = openapi({
  method: "POST",
  path: "/imports/{importId}/cancel",
  operationId: "cancelImport",
  summary: "Cancel a queued or running import; leads stored so far stay",
  description:
    "Stops the job. Leads it stored before the cancel stay in the campaign; its counters say how many. " +
    "Cancelling a job that already ended answers 409.",
  errorResponses: scopedErrors("write", { 404: IMPORT_NOT_FOUND, 409: "The import already ended" }),
});

export const listCampaignImportsInput = z.object({
  campaignId: campaignIdSchema,
  limit: z.int().min(1).max(100).default(50).meta({ description: "How many jobs, newest first (1–100, default 50)" }),
});
export const listCampaignImportsOutput = successEnvelope(z.object({ imports: z.array(importViewSchema) }));
export const listCampaignImportsMeta = openapi({
  method: "GET",
  path: "/campaigns/{campaignId}/imports",
  operationId: "listCampaignImports",
  summary: "A campaign's import jobs, newest first",
  errorResponses: scopedErrors("read", { 400: "Invalid limit", 404: CAMPAIGN_NOT_FOUND }),
});
