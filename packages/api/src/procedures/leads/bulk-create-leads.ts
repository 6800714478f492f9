import { bulkCreateRequestShapeSchema } from "@leadline/core";
import { consumeBulkBudget } from "../../rate-limit/bulk-budget.ts";
import { writeProcedure } from "../procedure-builders.ts";
import { requireCampaignOwnership } from "../require-owned.ts";
import { bulkCreateLeadsInput, bulkCreateLeadsMeta, bulkCreateLeadsOutput } from "./bulk-create-leads.types.ts";

/**
 * `POST /api/v1/leads/bulk` and `leads.bulkCreate`: auth, the account's
 * budget, a cheap look at the request's shape (so an oversized array is
 * refused before any lead is validated), full validation, one look-up of
 * suppressed numbers, then one insert.
 */
export const bulkCreateLeads = writeProcedure
  .meta(bulkCreateLeadsMeta)
  .use(async ({ ctx, next }) => {
    await consumeBulkBudget(ctx, ctx.principal.accountId.toHexString());
    return next();
  })
  .use(async ({ getRawInput, next }) => {
    const shape = bulkCreateRequestShapeSchema.safeParse(await getRawInput());
    if (!shape.success) throw shape.error;
    return next();
  })
  .input(bulkCreateLeadsInput)
  .output(bulkCreateLeadsOutput)
  .mutation(async ({ ctx, input }) => {
    const { repos, log, metrics } = ctx.deps;
    const campaign = await requireCampaignOwnership(ctx, input.campaignId);
    // The one extra query per request: which of these numbers the campaign must not call.
    const suppressed = await repos.suppressions.suppressedAmong(
      campaign.accountId,
      campaign._id,
      input.leads.map((lead) => lead.phoneNumber),
    );
    const leads = input.leads.map((lead) => ({ ...lead, zones: ctx.deps.zones.zonesOf(lead.phoneNumber) }));
    const result = await repos.leads.insertSkippingDuplicates(campaign, leads, {
      suppressed,
      createdByRequest: ctx.createdByRequest,
    });
    log.info(
      {
        requestId: ctx.requestId,
        accountId: ctx.principal.accountId.toHexString(),
        campaignId: input.campaignId,
        leads: input.leads.length,
        created: result.created,
        skipped: result.skipped,
        suppressed: result.suppressedPhones.length,
      },
      "bulk leads stored",
    );
    metrics.countLeads("created", result.created);
    metrics.countLeads("duplicate", result.skipped - result.suppressedPhones.length);
    metrics.countLeads("suppressed", result.suppressedPhones.length);
    return { success: true as const, data: result, error: null };
  });
