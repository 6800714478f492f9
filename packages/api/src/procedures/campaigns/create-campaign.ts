import { writeProcedure } from "../procedure-builders.ts";
import { toCampaignView } from "../../views/campaign-view.ts";
import { campaignOutput, createCampaignInput, createCampaignMeta } from "./campaign-procedures.types.ts";

export const createCampaign = writeProcedure
  .meta(createCampaignMeta)
  .input(createCampaignInput)
  .output(campaignOutput)
  .mutation(async ({ ctx, input }) => {
    const campaign = await ctx.deps.repos.campaigns.create({ accountId: ctx.principal.accountId, ...input });
    return { success: true as const, data: toCampaignView(campaign), error: null };
  });
