import { readProcedure } from "../procedure-builders.ts";
import { requireCampaign } from "../require-owned.ts";
import { campaignPathInput, campaignStatsMeta, campaignStatsOutput } from "./campaign-procedures.types.ts";

export const getCampaignStats = readProcedure
  .meta(campaignStatsMeta)
  .input(campaignPathInput)
  .output(campaignStatsOutput)
  .query(async ({ ctx, input }) => {
    const campaign = await requireCampaign(ctx, input.campaignId);
    const [byState, byLastOutcome] = await Promise.all([
      ctx.deps.repos.leads.countByState(campaign._id),
      ctx.deps.repos.leads.countByLastOutcome(campaign._id),
    ]);
    const total = Object.values(byState).reduce((sum, count) => sum + count, 0);
    return {
      success: true as const,
      data: { campaignId: input.campaignId, total, byState, byLastOutcome },
      error: null,
    };
  });
