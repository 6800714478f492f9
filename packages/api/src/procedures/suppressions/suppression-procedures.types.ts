import {
  addSuppressionsInputSchema,
  addSuppressionsResultSchema,
  campaignIdSchema,
  checkSuppressionInputSchema,
  checkSuppressionResultSchema,
  removeSuppressionsInputSchema,
  removeSuppressionsResultSchema,
  successEnvelope,
  suppressionViewSchema,
} from "@leadline/core";
import { z } from "zod";
import { nextCursorOutput, pagingInput } from "../paging.ts";
import { CAMPAIGN_NOT_FOUND, ERROR_DESCRIPTIONS, scopedErrors } from "../error-descriptions.ts";
import { taggedOperations } from "../operation-meta.ts";

const openapi = taggedOperations("suppressions");

const WRITE_ERRORS = scopedErrors("write", {
  400: `${ERROR_DESCRIPTIONS[400]}, e.g. phoneNumbers[0] must be a valid E.164 phone number`,
  404: CAMPAIGN_NOT_FOUND,
  413: ERROR_DESCRIPTIONS[413],
  415: ERROR_DESCRIPTIONS[415],
  503: ERROR_DESCRIPTIONS[503],
});

export const addSuppressionsInput = addSuppressionsInputSchema;
export const addSuppressionsOutput = successEnvelope(addSuppressionsResultSchema);
export const addSuppressionsMeta = openapi({
  method: "POST",
  path: "/suppressions",
  operationId: "addSuppressions",
  summary: "Put phone numbers on the do-not-call list of the account or of one campaign",
  description:
    "A suppressed number is never stored by bulk lead creation (it is skipped and listed in suppressedPhones) " +
    "and never handed to the dialer afterwards. Adding a number that is already on the list changes nothing.",
  successDescription: "How many entries were added, and how many existed already",
  errorResponses: WRITE_ERRORS,
});

export const removeSuppressionsInput = removeSuppressionsInputSchema;
export const removeSuppressionsOutput = successEnvelope(removeSuppressionsResultSchema);
export const removeSuppressionsMeta = openapi({
  method: "POST",
  path: "/suppressions/remove",
  operationId: "removeSuppressions",
  summary: "Take phone numbers off the account's or one campaign's do-not-call list",
  errorResponses: WRITE_ERRORS,
});

export const listSuppressionsInput = z.strictObject({
  campaignId: campaignIdSchema
    .optional()
    .meta({ description: "Only this campaign's own entries; leave out for every entry of the account" }),
  ...pagingInput("Entries"),
});
export const listSuppressionsOutput = successEnvelope(
  z.object({ suppressions: z.array(suppressionViewSchema), nextCursor: nextCursorOutput() }),
);
export const listSuppressionsMeta = openapi({
  method: "GET",
  path: "/suppressions",
  operationId: "listSuppressions",
  summary: "List do-not-call entries, oldest first, a page at a time",
  errorResponses: scopedErrors("read", { 400: "Invalid limit, campaignId or cursor", 404: CAMPAIGN_NOT_FOUND }),
});

export const checkSuppressionInput = checkSuppressionInputSchema;
export const checkSuppressionOutput = successEnvelope(checkSuppressionResultSchema);
export const checkSuppressionMeta = openapi({
  method: "GET",
  path: "/suppressions/check",
  operationId: "checkSuppression",
  summary: "Whether a phone number is suppressed, and by which entries",
  description: "URL-encode the number's + as %2B in the query string.",
  errorResponses: scopedErrors("read", { 400: "Invalid phone number or campaignId", 404: CAMPAIGN_NOT_FOUND }),
});
