import { toImportView } from "../../views/import-view.ts";
import { readProcedure } from "../procedure-builders.ts";
import { requireCampaign } from "../require-owned.ts";
import {
  listCampaignImportsInput,
  listCampaignImportsMeta,
  listCampaignImportsOutput,
} from "./import-procedures.types.ts";

/** `GET /api/v1/campaigns/{campaignId}/imports`, newest first. */
export const listCampaignImports = readProcedure
  .meta(listCampaignImportsMeta)
  .input(listCampaignImportsInput)
  .output(listCampaignImportsOutput)
  .query(async ({ ctx, input }) => {
    const campaign = await requireCampaign(ctx, input.campaignId);
    const jobs = await ctx.deps.repos.importJobs.listByCampaign(ctx.principal.accountId, campaign._id, input.limit);
    return { success: true as const, data: { imports: jobs.map((job) => toImportView(job)) }, error: null };
  });
