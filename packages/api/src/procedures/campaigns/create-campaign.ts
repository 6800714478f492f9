import { DEFAULT_CALLING_HOURS } from "@leadline/core";
import { writeProcedure } from "../procedure-builders.ts";
import { toCampaignView } from "../../views/campaign-view.ts";
import { campaignOutput, createCampaignInput, createCampaignMeta } from "./campaign-procedures.types.ts";

export const createCampaign = writeProcedure
  .meta(createCampaignMeta)
  .input(createCampaignInput)
  .output(campaignOutput)
  .mutation(async ({ ctx, input }) => {
    // Left out means the compliant default; an explicit null still means any time.
    const callingHours = input.callingHours === undefined ? DEFAULT_CALLING_HOURS : input.callingHours;
    const campaign = await ctx.deps.repos.campaigns.create({
      accountId: ctx.principal.accountId,
      ...input,
      callingHours,
    });
    return { success: true as const, data: toCampaignView(campaign), error: null };
  });
