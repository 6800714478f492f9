import { readProcedure } from "../procedure-builders.ts";
import { requireCampaign } from "../require-owned.ts";
import { decodeLeadCursor, leadPage } from "./lead-cursor.ts";
import { searchLeadsInput, searchLeadsMeta, searchLeadsOutput } from "./search-leads.types.ts";

/** `GET /api/v1/leads` and `leads.search`: the account's leads by CRM id, phone or state, cursor-paged. */
export const searchLeads = readProcedure
  .meta(searchLeadsMeta)
  .input(searchLeadsInput)
  .output(searchLeadsOutput)
  .query(async ({ ctx, input }) => {
    const campaign = input.campaignId === undefined ? undefined : await requireCampaign(ctx, input.campaignId);
    // One extra lead tells whether another page exists.
    const page = await ctx.deps.repos.leadDirectory.search({
      accountId: ctx.principal.accountId,
      campaignId: campaign?._id,
      externalId: input.externalId,
      phoneNumber: input.phoneNumber,
      state: input.state,
      afterId: input.cursor ? decodeLeadCursor(input.cursor) : undefined,
      limit: input.limit + 1,
    });
    return { success: true as const, data: leadPage(page, input.limit), error: null };
  });
