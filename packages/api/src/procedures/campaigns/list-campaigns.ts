import { readProcedure } from "../procedure-builders.ts";
import { toCampaignView } from "../../views/campaign-view.ts";
import { listCampaignsInput, listCampaignsMeta, listCampaignsOutput } from "./campaign-procedures.types.ts";

export const listCampaigns = readProcedure
  .meta(listCampaignsMeta)
  .input(listCampaignsInput)
  .output(listCampaignsOutput)
  .query(async ({ ctx }) => {
    const campaigns = await ctx.deps.repos.campaigns.listOwned(ctx.principal.accountId);
    return { success: true as const, data: { campaigns: campaigns.map(toCampaignView) }, error: null };
  });
