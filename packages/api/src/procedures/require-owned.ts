import { AppError, ERROR_CODES } from "@leadline/core";
import type { CampaignDoc, LeadDoc } from "@leadline/db";
import type { Context } from "../context.ts";
import type { Principal } from "../auth/authenticate.ts";
import { CAMPAIGN_NOT_FOUND, LEAD_NOT_FOUND } from "./error-descriptions.ts";

type AuthedContext = Context & { principal: Principal };

/** The 404 for a campaign that is missing or someone else's: no hint which. */
export const campaignNotFound = (): AppError => new AppError(ERROR_CODES.NOT_FOUND, CAMPAIGN_NOT_FOUND);

/** The account's campaign, or {@link campaignNotFound}. */
export async function requireCampaign(ctx: AuthedContext, campaignId: string): Promise<CampaignDoc> {
  const campaign = await ctx.deps.repos.campaigns.findOwned(ctx.principal.accountId, campaignId);
  if (!campaign) throw campaignNotFound();
  return campaign;
}

/**
 * Like {@link requireCampaign}, answered from the ownership cache when it
 * can be. Only for callers that need the campaign's id and owner, which
 * never change; its settings may be up to a minute old.
 */
export async function requireCampaignOwnership(ctx: AuthedContext, campaignId: string): Promise<CampaignDoc> {
  const cacheKey = `${ctx.principal.accountId.toHexString()}:${campaignId}`;
  const cached = ctx.deps.caches.campaignOwnership.get(cacheKey);
  if (cached) return cached;
  const campaign = await requireCampaign(ctx, campaignId);
  ctx.deps.caches.campaignOwnership.set(cacheKey, campaign);
  return campaign;
}

/** The account's lead, or 404 whether it is missing or someone else's. */
export async function requireLead(ctx: AuthedContext, leadId: string): Promise<LeadDoc> {
  const lead = await ctx.deps.repos.leads.findOwned(ctx.principal.accountId, leadId);
  if (!lead) throw new AppError(ERROR_CODES.NOT_FOUND, LEAD_NOT_FOUND);
  return lead;
}
