import {
  createCampaign,
  getCampaign,
  getCampaignStats,
  listCampaigns,
  updateCampaign,
} from "./procedures/campaigns/campaign-procedures.ts";
import { bulkCreateLeads } from "./procedures/leads/bulk-create-leads.ts";
import { getLead, listLeads } from "./procedures/leads/read-leads.ts";
import { router } from "./trpc.ts";

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
});

/** The router's type, all that typed clients import. */
export type AppRouter = typeof appRouter;
