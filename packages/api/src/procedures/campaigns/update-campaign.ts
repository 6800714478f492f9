import { writeProcedure } from "../procedure-builders.ts";
import { requireCampaign } from "../require-owned.ts";
import { toCampaignView } from "../../views/campaign-view.ts";
import { campaignOutput, updateCampaignInput, updateCampaignMeta } from "./campaign-procedures.types.ts";

export const updateCampaign = writeProcedure
  .meta(updateCampaignMeta)
  .input(updateCampaignInput)
  .output(campaignOutput)
  .mutation(async ({ ctx, input }) => {
    const { campaignId, ...changes } = input;
    const updated = await ctx.deps.repos.campaigns.updateOwned(ctx.principal.accountId, campaignId, changes);
    return {
      success: true as const,
      data: toCampaignView(updated ?? (await requireCampaign(ctx, campaignId))),
      error: null,
    };
  });
