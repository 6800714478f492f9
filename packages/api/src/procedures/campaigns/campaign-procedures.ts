import { readProcedure, writeProcedure } from "../procedure-builders.ts";
import { requireCampaign } from "../require-owned.ts";
import { toCampaignView } from "../../views/campaign-view.ts";
import {
  campaignOutput,
  campaignPathInput,
  campaignStatsMeta,
  campaignStatsOutput,
  createCampaignInput,
  createCampaignMeta,
  getCampaignMeta,
  listCampaignsInput,
  listCampaignsMeta,
  listCampaignsOutput,
  updateCampaignInput,
  updateCampaignMeta,
} from "./campaign-procedures.types.ts";

export const createCampaign = writeProcedure
  .meta(createCampaignMeta)
  .input(createCampaignInput)
  .output(campaignOutput)
  .mutation(async ({ ctx, input }) => {
    const campaign = await ctx.deps.repos.campaigns.create({ accountId: ctx.principal.accountId, ...input });
    return { success: true as const, data: toCampaignView(campaign), error: null };
  });

export const listCampaigns = readProcedure
  .meta(listCampaignsMeta)
  .input(listCampaignsInput)
  .output(listCampaignsOutput)
  .query(async ({ ctx }) => {
    const campaigns = await ctx.deps.repos.campaigns.listOwned(ctx.principal.accountId);
    return { success: true as const, data: { campaigns: campaigns.map(toCampaignView) }, error: null };
  });

export const getCampaign = readProcedure
  .meta(getCampaignMeta)
  .input(campaignPathInput)
  .output(campaignOutput)
  .query(async ({ ctx, input }) => {
    return { success: true as const, data: toCampaignView(await requireCampaign(ctx, input.campaignId)), error: null };
  });

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

export const getCampaignStats = readProcedure
  .meta(campaignStatsMeta)
  .input(campaignPathInput)
  .output(campaignStatsOutput)
  .query(async ({ ctx, input }) => {
    const campaign = await requireCampaign(ctx, input.campaignId);
    const byState = await ctx.deps.repos.leads.countByState(campaign._id);
    const total = byState.pending + byState.dispatching + byState.dispatched + byState.failed;
    return { success: true as const, data: { campaignId: input.campaignId, total, byState }, error: null };
  });
