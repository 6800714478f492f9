import { ingestLeads, type CampaignDoc } from "@leadline/db";
import { consumeBulkBudget } from "../../rate-limit/bulk-budget.ts";
import { writeProcedure } from "../procedure-builders.ts";
import { requireCampaign, requireCampaignOwnership } from "../require-owned.ts";
import { bulkAnswer } from "./bulk-answer.ts";
import { bulkCreateLeadsInput, bulkCreateLeadsMeta, bulkCreateLeadsOutput } from "./bulk-create-leads.types.ts";
import { applyDefaultCountry, bulkRejection, mayNeedCountry, splitBulkLeads } from "./check-bulk-leads.ts";

/**
 * `POST /api/v1/leads/bulk` and `leads.bulkCreate`: auth, the account's
 * budget (a dry run spends it too: the limit is there against abuse, and a
 * dry run costs the same reads), one validation pass (parseBulkCreateInput:
 * the envelope, then each lead), then the one ingest path: one look-up of
 * suppressed numbers, then one insert, or with `dryRun` one read.
 */
export const bulkCreateLeads = writeProcedure
  .meta(bulkCreateLeadsMeta)
  .use(async ({ ctx, next }) => {
    await consumeBulkBudget(ctx, ctx.principal.accountId.toHexString());
    return next();
  })
  .input(bulkCreateLeadsInput)
  .output(bulkCreateLeadsOutput)
  .mutation(async ({ ctx, input }) => {
    const { repos, log, metrics } = ctx.deps;
    const skipInvalid = input.onInvalid === "skip";
    let checked = splitBulkLeads(input.leads);
    if (input.defaultCountry) checked = applyDefaultCountry(checked, input.defaultCountry);
    const rejects = !skipInvalid && checked.invalid.length > 0;
    // Only the campaign's own default country could still make these leads valid: without one, refuse
    // before the campaign is looked up, as whole-request validation always has.
    if (rejects && (input.defaultCountry || !mayNeedCountry(checked))) throw bulkRejection(checked);
    let campaign: CampaignDoc;
    if (!input.defaultCountry && mayNeedCountry(checked)) {
      // Uncached: the campaign's settings decide validity here, and the cache may be a minute old.
      campaign = await requireCampaign(ctx, input.campaignId).catch((error: unknown) => {
        throw rejects ? bulkRejection(checked) : error;
      });
      if (campaign.defaultCountry) checked = applyDefaultCountry(checked, campaign.defaultCountry);
      if (!skipInvalid && checked.invalid.length > 0) throw bulkRejection(checked);
    } else {
      campaign = await requireCampaignOwnership(ctx, input.campaignId);
    }
    const leads = checked.valid.map(({ lead }) => lead);
    const stored = await ingestLeads(repos, campaign, leads, {
      dryRun: input.dryRun === true,
      createdByRequest: ctx.createdByRequest,
      zonesOf: ctx.deps.zones.zonesOf,
    });
    log.info(
      {
        requestId: ctx.requestId,
        accountId: ctx.principal.accountId.toHexString(),
        campaignId: input.campaignId,
        leads: input.leads.length,
        created: stored.created,
        skipped: stored.skipped,
        suppressed: stored.suppressedPhones.length,
        invalid: checked.invalid.length,
        dryRun: input.dryRun === true,
      },
      input.dryRun ? "bulk leads dry run" : "bulk leads stored",
    );
    if (!input.dryRun) {
      metrics.countLeads("created", stored.created);
      metrics.countLeads("duplicate", stored.skipped - stored.suppressedPhones.length);
      metrics.countLeads("suppressed", stored.suppressedPhones.length);
    }
    const data = bulkAnswer(checked, stored, {
      skipInvalid,
      returnResults: input.returnResults === true,
      dryRun: input.dryRun === true,
    });
    return { success: true as const, data, error: null };
  });
