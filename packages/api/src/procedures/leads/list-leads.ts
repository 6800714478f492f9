import { readProcedure } from "../procedure-builders.ts";
import { requireCampaign } from "../require-owned.ts";
import { decodeLeadCursor, leadPage } from "./lead-cursor.ts";
import { listLeadsInput, listLeadsMeta, listLeadsOutput } from "./read-leads.types.ts";

export const listLeads = readProcedure
  .meta(listLeadsMeta)
  .input(listLeadsInput)
  .output(listLeadsOutput)
  .query(async ({ ctx, input }) => {
    const campaign = await requireCampaign(ctx, input.campaignId);
    // One extra lead tells whether another page exists.
    const page = await ctx.deps.repos.leads.listPage({
      accountId: ctx.principal.accountId,
      campaignId: campaign._id,
      state: input.state,
      afterId: input.cursor ? decodeLeadCursor(input.cursor) : undefined,
      limit: input.limit + 1,
    });
    return { success: true as const, data: leadPage(page, input.limit), error: null };
  });
