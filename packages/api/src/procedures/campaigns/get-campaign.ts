import { readProcedure } from "../procedure-builders.ts";
import { requireCampaign } from "../require-owned.ts";
import { toCampaignView } from "../../views/campaign-view.ts";
import { campaignOutput, campaignPathInput, getCampaignMeta } from "./campaign-procedures.types.ts";

export const getCampaign = readProcedure
  .meta(getCampaignMeta)
  .input(campaignPathInput)
  .output(campaignOutput)
  .query(async ({ ctx, input }) => {
    return { success: true as const, data: toCampaignView(await requireCampaign(ctx, input.campaignId)), error: null };
  });
