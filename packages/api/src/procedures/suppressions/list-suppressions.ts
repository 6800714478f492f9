import { toSuppressionView } from "../../views/suppression-view.ts";
import { decodeLeadCursor, encodeLeadCursor } from "../leads/lead-cursor.ts";
import { readProcedure } from "../procedure-builders.ts";
import { requireCampaign } from "../require-owned.ts";
import { listSuppressionsInput, listSuppressionsMeta, listSuppressionsOutput } from "./suppression-procedures.types.ts";

/** `GET /api/v1/suppressions` and `suppressions.list`: keyset paging in `_id` order, like the lead listing. */
export const listSuppressions = readProcedure
  .meta(listSuppressionsMeta)
  .input(listSuppressionsInput)
  .output(listSuppressionsOutput)
  .query(async ({ ctx, input }) => {
    const campaign = input.campaignId ? await requireCampaign(ctx, input.campaignId) : undefined;
    // One extra entry tells whether another page exists.
    const page = await ctx.deps.repos.suppressions.listPage({
      accountId: ctx.principal.accountId,
      campaignId: campaign?._id,
      afterId: input.cursor ? decodeLeadCursor(input.cursor) : undefined,
      limit: input.limit + 1,
    });
    const entries = page.slice(0, input.limit);
    const last = entries.at(-1);
    const nextCursor = page.length > input.limit && last ? encodeLeadCursor(last._id) : null;
    return {
      success: true as const,
      data: { suppressions: entries.map(toSuppressionView), nextCursor },
      error: null,
    };
  });
