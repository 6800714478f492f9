import { toSuppressionView } from "../../views/suppression-view.ts";
import { readProcedure } from "../procedure-builders.ts";
import { requireCampaign } from "../require-owned.ts";
import { checkSuppressionInput, checkSuppressionMeta, checkSuppressionOutput } from "./suppression-procedures.types.ts";

/** `GET /api/v1/suppressions/check` and `suppressions.check`. */
export const checkSuppression = readProcedure
  .meta(checkSuppressionMeta)
  .input(checkSuppressionInput)
  .output(checkSuppressionOutput)
  .query(async ({ ctx, input }) => {
    const campaign = input.campaignId ? await requireCampaign(ctx, input.campaignId) : undefined;
    const entries = await ctx.deps.repos.suppressions.entriesFor(
      ctx.principal.accountId,
      input.phoneNumber,
      campaign?._id,
    );
    return {
      success: true as const,
      data: { suppressed: entries.length > 0, entries: entries.map(toSuppressionView) },
      error: null,
    };
  });
