import { writeProcedure } from "../procedure-builders.ts";
import { campaignNotFound } from "../require-owned.ts";
import { toCampaignView } from "../../views/campaign-view.ts";
import { campaignOutput, updateCampaignInput, updateCampaignMeta } from "./campaign-procedures.types.ts";

export const updateCampaign = writeProcedure
  .meta(updateCampaignMeta)
  .input(updateCampaignInput)
  .output(campaignOutput)
  .mutation(async ({ ctx, input }) => {
    const { campaignId, ...changes } = input;
    // One conditional update: no match means missing or someone else's, the same 404 as a read.
    const updated = await ctx.deps.repos.campaigns.updateOwned(ctx.principal.accountId, campaignId, changes);
    if (!updated) throw campaignNotFound();
    return { success: true as const, data: toCampaignView(updated), error: null };
  });
