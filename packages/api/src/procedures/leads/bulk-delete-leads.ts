import { writeProcedure } from "../procedure-builders.ts";
import { requireCampaignOwnership } from "../require-owned.ts";
import { bulkDeleteLeadsInput, bulkDeleteLeadsMeta, bulkDeleteLeadsOutput } from "./delete-leads.types.ts";

/** `POST /api/v1/leads/bulk-delete` and `leads.bulkDelete`: a campaign's leads by id or phone. */
export const bulkDeleteLeads = writeProcedure
  .meta(bulkDeleteLeadsMeta)
  .input(bulkDeleteLeadsInput)
  .output(bulkDeleteLeadsOutput)
  .mutation(async ({ ctx, input }) => {
    const campaign = await requireCampaignOwnership(ctx, input.campaignId);
    const result = await ctx.deps.repos.leadDirectory.deleteInCampaign({
      accountId: ctx.principal.accountId,
      campaignId: campaign._id,
      leadIds: input.leadIds ?? [],
      phoneNumbers: input.phoneNumbers ?? [],
    });
    return { success: true as const, data: result, error: null };
  });
