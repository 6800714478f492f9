import { z } from "zod";

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
export type BulkCreateResponse = z.infer<typeof bulkCreateResponseSchema>;

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
