import { z } from "zod";
import { campaignIdSchema, phoneNumberSchema } from "./lead-schemas.ts";

/** Phone numbers per suppression request, as for leads. */
export const MAX_SUPPRESSIONS_PER_REQUEST = 1000;

/** Where a suppression entry came from. */
export const SUPPRESSION_SOURCES = ["api", "outcome", "import"] as const;
export type SuppressionSource = (typeof SUPPRESSION_SOURCES)[number];

const phoneNumbersArray = z
  .array(phoneNumberSchema, { error: "array is required" })
  .min(1, "array cannot be empty")
  .max(MAX_SUPPRESSIONS_PER_REQUEST, `Maximum ${MAX_SUPPRESSIONS_PER_REQUEST} phone numbers per request`)
  .meta({ description: `1 to ${MAX_SUPPRESSIONS_PER_REQUEST} phone numbers, international format` });

const scopeCampaignId = campaignIdSchema
  .optional()
  .meta({ description: "Only this campaign; leave out for every campaign of the account" });

const requestObjectError = (issue: { code: string; keys?: readonly string[] }): string =>
  issue.code === "unrecognized_keys"
    ? `Request body has unknown field${(issue.keys ?? []).length > 1 ? "s" : ""} ${(issue.keys ?? []).map((key) => `"${key}"`).join(", ")}`
    : "Request body must be a JSON object with phoneNumbers";

export const addSuppressionsInputSchema = z.strictObject(
  {
    phoneNumbers: phoneNumbersArray,
    campaignId: scopeCampaignId,
    reason: z.string({ error: "must be a string" }).max(500, "must be at most 500 characters").optional().meta({
      description: "Why the numbers must not be called, kept with the entries",
      example: "asked not to be called",
    }),
    // How the entries arrived: the CSV importer says "import"; anything else is "api".
    source: z
      .enum(["api", "import"], { error: 'must be "api" or "import"' })
      .optional()
      .meta({ description: 'How the entries arrived: "api" (default) or "import"' }),
  },
  { error: requestObjectError },
);

export const addSuppressionsResultSchema = z.object({
  added: z.int().min(0).meta({ description: "Entries created by this request" }),
  alreadySuppressed: z.int().min(0).meta({ description: "Numbers that already had an entry in this scope" }),
});

export const removeSuppressionsInputSchema = z.strictObject(
  { phoneNumbers: phoneNumbersArray, campaignId: scopeCampaignId },
  { error: requestObjectError },
);

export const removeSuppressionsResultSchema = z.object({
  removed: z.int().min(0).meta({ description: "Entries deleted" }),
});

export const suppressionViewSchema = z
  .object({
    id: z.string(),
    phoneNumber: z.string().meta({ description: "E.164" }),
    campaignId: z.string().nullable().meta({ description: "The campaign, or null for every campaign of the account" }),
    reason: z.string().nullable(),
    source: z.enum(SUPPRESSION_SOURCES),
    createdAt: z.string().meta({ format: "date-time", example: "2026-01-14T09:30:00.000Z" }),
  })
  .meta({ id: "Suppression" });

export type SuppressionView = z.infer<typeof suppressionViewSchema>;

export const checkSuppressionInputSchema = z.strictObject({
  phoneNumber: phoneNumberSchema,
  campaignId: campaignIdSchema
    .optional()
    .meta({ description: "Check for this campaign (its entries and the account's); leave out for all entries" }),
});

export const checkSuppressionResultSchema = z.object({
  suppressed: z.boolean(),
  entries: z.array(suppressionViewSchema),
});
