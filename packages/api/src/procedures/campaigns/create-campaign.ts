import { AppError, DEFAULT_CALLING_HOURS, ERROR_CODES } from "@leadline/core";
import { CAMPAIGN_LIMIT_REACHED } from "@leadline/db";
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
    const { maxPerAccount } = ctx.deps.campaigns;
    const campaign = await ctx.deps.repos.campaigns.createWithinCap(
      { accountId: ctx.principal.accountId, ...input, callingHours },
      maxPerAccount,
    );
    if (campaign === CAMPAIGN_LIMIT_REACHED) {
      throw new AppError(
        ERROR_CODES.UNPROCESSABLE,
        `This account already has ${maxPerAccount} campaigns, the most allowed (MAX_CAMPAIGNS_PER_ACCOUNT)`,
      );
    }
    return { success: true as const, data: toCampaignView(campaign), error: null };
  });
