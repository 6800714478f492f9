import { z } from "zod";

/** What became of one lead of a bulk request. */
export const LEAD_RESULT_STATUSES = ["created", "duplicate", "suppressed", "invalid"] as const;

export const leadResultSchema = z.object({
  index: z.int().min(0).meta({ description: "The lead's position in the request's leads array", example: 0 }),
  status: z.enum(LEAD_RESULT_STATUSES).meta({
    description:
      "created: stored (or would be, in a dry run); duplicate: the campaign already has this number, stored earlier or earlier in the request; suppressed: on a do-not-call list; invalid: not valid, see error",
    example: "created",
  }),
  id: z.string().optional().meta({ description: "The created lead's id (not in a dry run)" }),
  phoneNumber: z.string().optional().meta({ description: "The number as stored (E.164); absent for invalid leads" }),
  error: z
    .string()
    .optional()
    .meta({ description: "Why the lead is invalid", example: "leads[3].phoneNumber is required" }),
});

/** One entry of `results`: the fate of the lead at `index`. */
export type LeadResult = z.infer<typeof leadResultSchema>;

export const invalidLeadSchema = z.object({
  index: z.int().min(0).meta({ description: "The lead's position in the request's leads array", example: 3 }),
  error: z.string().meta({
    description: "The same message the request would have been refused with",
    example: "leads[3].phoneNumber must be a valid E.164 phone number",
  }),
});

export const bulkCreateResultSchema = z.object({
  created: z.int().min(0).meta({ description: "Number of leads successfully created" }),
  skipped: z.int().min(0).meta({ description: "Number of leads skipped (duplicates and suppressed numbers)" }),
  createdIds: z.array(z.string()).meta({ description: "IDs of the created leads, in request order" }),
  skippedPhones: z
    .array(z.string())
    .meta({ description: "Phone numbers that were skipped (E.164), one per skipped lead, in request order" }),
  suppressedPhones: z.array(z.string()).meta({
    description:
      "The skipped phone numbers that are on a suppression (do-not-call) list for the campaign, in request order; each is in skippedPhones too",
  }),
  invalid: z.int().min(0).optional().meta({
    description:
      'With onInvalid "skip": the number of invalid leads, not stored; created + skipped + invalid is the number of leads sent',
  }),
  invalidLeads: z
    .array(invalidLeadSchema)
    .optional()
    .meta({ description: 'With onInvalid "skip": the invalid leads, in request order' }),
  results: z
    .array(leadResultSchema)
    .optional()
    .meta({ description: "With returnResults: one entry per lead, in request order" }),
  dryRun: z.literal(true).optional().meta({ description: "Present with dryRun: nothing was stored" }),
});

export type BulkCreateResult = z.infer<typeof bulkCreateResultSchema>;

/** Wraps a success payload in the documented `{ success, data, error }` envelope. */
export const successEnvelope = <TData extends z.ZodType>(data: TData) =>
  z.object({
    success: z.literal(true),
    data,
    error: z.null(),
  });

export const bulkCreateResponseSchema = successEnvelope(bulkCreateResultSchema);

export const errorIssueSchema = z.object({
  path: z.string().meta({ description: "Where the problem is, e.g. leads[3].phoneNumber" }),
  message: z.string(),
});

/** One problem with a request, addressed by a path such as `leads[3].phoneNumber`. */
export type ErrorIssue = z.infer<typeof errorIssueSchema>;

export const errorEnvelopeSchema = z
  .object({
    success: z.literal(false),
    data: z.null(),
    error: z.string().meta({ description: "What went wrong and how to fix it", example: "campaignId is required" }),
    issues: z.array(errorIssueSchema).optional().meta({ description: "Every problem found in the request" }),
  })
  .meta({ id: "ErrorResponse" });

/** The `error` envelope every failed response carries, REST and tRPC alike. */
export type ErrorEnvelope = z.infer<typeof errorEnvelopeSchema>;
