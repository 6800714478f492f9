import { writeProcedure } from "../procedure-builders.ts";
import { requireCampaign } from "../require-owned.ts";
import {
  removeSuppressionsInput,
  removeSuppressionsMeta,
  removeSuppressionsOutput,
} from "./suppression-procedures.types.ts";

/** `POST /api/v1/suppressions/remove` and `suppressions.remove`: entries of exactly that scope. */
export const removeSuppressions = writeProcedure
  .meta(removeSuppressionsMeta)
  .input(removeSuppressionsInput)
  .output(removeSuppressionsOutput)
  .mutation(async ({ ctx, input }) => {
    const campaign = input.campaignId ? await requireCampaign(ctx, input.campaignId) : null;
    const result = await ctx.deps.repos.suppressions.remove({
      accountId: ctx.principal.accountId,
      campaignId: campaign?._id ?? null,
      phoneNumbers: input.phoneNumbers,
    });
    return { success: true as const, data: result, error: null };
  });
