import { AppError, ERROR_CODES } from "@leadline/core";
import { ingestLeads } from "@leadline/db";
import { toLeadView } from "../../views/lead-view.ts";
import { writeProcedure } from "../procedure-builders.ts";
import { requireCampaignOwnership } from "../require-owned.ts";
import { createLeadInput, createLeadMeta, createLeadOutput } from "./create-lead.types.ts";

/**
 * `POST /api/v1/leads` and `leads.create`: one lead through the bulk path's
 * ingest (so its suppression and duplicate rules apply), then the stored
 * lead: 201 when this request stored it, 200 with the one the campaign had.
 */
export const createLead = writeProcedure
  .meta(createLeadMeta)
  .input(createLeadInput)
  .output(createLeadOutput)
  .mutation(async ({ ctx, input }) => {
    const { repos, metrics } = ctx.deps;
    const campaign = await requireCampaignOwnership(ctx, input.campaignId);
    const { lead } = input;
    const { phoneNumber } = lead;
    // A lead deleted between the insert's refusal and the look-up is gone: one more try stores it anew.
    for (let attempt = 0; attempt < 2; attempt++) {
      const result = await ingestLeads(repos, campaign, [lead], {
        createdByRequest: ctx.createdByRequest,
        zonesOf: ctx.deps.zones.zonesOf,
      });
      // A suppressed number is never stored, as in bulk; one lead has no skipped list to land in.
      if (result.suppressedPhones.length > 0) {
        metrics.countLeads("suppressed", 1);
        throw new AppError(
          ERROR_CODES.UNPROCESSABLE,
          `${phoneNumber} is on the do-not-call list for this campaign; the lead was not stored`,
        );
      }
      const created = result.created === 1;
      const stored = created
        ? await repos.leadDirectory.findById(result.createdIds[0]!)
        : await repos.leadDirectory.findByPhone(campaign._id, phoneNumber);
      if (!stored) continue;
      metrics.countLeads(created ? "created" : "duplicate", 1);
      ctx.setStatus?.(created ? 201 : 200);
      return { success: true as const, data: { created, lead: toLeadView(stored) }, error: null };
    }
    throw new AppError(ERROR_CODES.CONFLICT, "The lead was deleted while it was being created; retry the request");
  });
