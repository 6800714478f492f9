import { z } from "zod";

export const MAX_PAGE_SIZE = 1000;
const limitProblem = `must be an integer from 1 to ${MAX_PAGE_SIZE}`;

/**
 * The `limit` and `cursor` inputs every cursor-paged listing takes.
 *
 * @example
 * z.strictObject({ campaignId: campaignIdSchema, ...pagingInput("Leads") })
 */
export const pagingInput = (items: string) => ({
  limit: z
    .int({ error: limitProblem })
    .min(1, limitProblem)
    .max(MAX_PAGE_SIZE, limitProblem)
    .default(100)
    .meta({ description: `${items} per page, 1 to ${MAX_PAGE_SIZE} (default 100)` }),
  cursor: z
    .string({ error: "must be a string" })
    .max(200, "is not valid: pass the nextCursor of the previous page")
    .optional()
    .meta({ description: "nextCursor of the previous page" }),
});

/** The `nextCursor` field of every paged answer. */
export const nextCursorOutput = () =>
  z.string().nullable().meta({ description: "Pass as cursor for the next page; null on the last page" });
