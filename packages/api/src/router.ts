import { createCampaign } from "./procedures/campaigns/create-campaign.ts";
import { getCampaignStats } from "./procedures/campaigns/get-campaign-stats.ts";
import { getCampaign } from "./procedures/campaigns/get-campaign.ts";
import { listCampaigns } from "./procedures/campaigns/list-campaigns.ts";
import { updateCampaign } from "./procedures/campaigns/update-campaign.ts";
import { bulkCreateLeads } from "./procedures/leads/bulk-create-leads.ts";
import { getLead } from "./procedures/leads/get-lead.ts";
import { listLeads } from "./procedures/leads/list-leads.ts";
import { cancelImport } from "./procedures/imports/cancel-import.ts";
import { getImport } from "./procedures/imports/get-import.ts";
import { listCampaignImports } from "./procedures/imports/list-campaign-imports.ts";
import { createCallerFactory, router } from "./trpc.ts";

export const appRouter = router({
  leads: router({
    bulkCreate: bulkCreateLeads,
    list: listLeads,
    get: getLead,
  }),
  campaigns: router({
    create: createCampaign,
    list: listCampaigns,
    get: getCampaign,
    update: updateCampaign,
    stats: getCampaignStats,
  }),
  imports: router({
    get: getImport,
    listByCampaign: listCampaignImports,
    cancel: cancelImport,
  }),
});

/** The router's type, all that typed clients import. */
export type AppRouter = typeof appRouter;

/** Calls procedures in-process with a context of our own making: how the REST adapter reaches the router. */
export const createCaller = createCallerFactory(appRouter);
