import { createCampaign } from "./procedures/campaigns/create-campaign.ts";
import { getCampaignStats } from "./procedures/campaigns/get-campaign-stats.ts";
import { getCampaign } from "./procedures/campaigns/get-campaign.ts";
import { listCampaigns } from "./procedures/campaigns/list-campaigns.ts";
import { updateCampaign } from "./procedures/campaigns/update-campaign.ts";
import { bulkCreateLeads } from "./procedures/leads/bulk-create-leads.ts";
import { bulkDeleteLeads } from "./procedures/leads/bulk-delete-leads.ts";
import { createLead } from "./procedures/leads/create-lead.ts";
import { deleteLead } from "./procedures/leads/delete-lead.ts";
import { getLead } from "./procedures/leads/get-lead.ts";
import { listLeads } from "./procedures/leads/list-leads.ts";
import { reportOutcomes } from "./procedures/outcomes/report-outcomes.ts";
import { addSuppressions } from "./procedures/suppressions/add-suppressions.ts";
import { checkSuppression } from "./procedures/suppressions/check-suppression.ts";
import { listSuppressions } from "./procedures/suppressions/list-suppressions.ts";
import { removeSuppressions } from "./procedures/suppressions/remove-suppressions.ts";
import { searchLeads } from "./procedures/leads/search-leads.ts";
import { cancelImport } from "./procedures/imports/cancel-import.ts";
import { getImport } from "./procedures/imports/get-import.ts";
import { listCampaignImports } from "./procedures/imports/list-campaign-imports.ts";
import { createWebhook } from "./procedures/webhooks/create-webhook.ts";
import { deleteWebhook } from "./procedures/webhooks/delete-webhook.ts";
import { listWebhookDeliveries } from "./procedures/webhooks/list-webhook-deliveries.ts";
import { listWebhooks } from "./procedures/webhooks/list-webhooks.ts";
import { createCallerFactory, router } from "./trpc.ts";

export const appRouter = router({
  leads: router({
    bulkCreate: bulkCreateLeads,
    create: createLead,
    list: listLeads,
    search: searchLeads,
    get: getLead,
    delete: deleteLead,
    bulkDelete: bulkDeleteLeads,
  }),
  campaigns: router({
    create: createCampaign,
    list: listCampaigns,
    get: getCampaign,
    update: updateCampaign,
    stats: getCampaignStats,
  }),
  suppressions: router({
    add: addSuppressions,
    remove: removeSuppressions,
    list: listSuppressions,
    check: checkSuppression,
  }),
  outcomes: router({
    report: reportOutcomes,
  }),
  imports: router({
    get: getImport,
    listByCampaign: listCampaignImports,
    cancel: cancelImport,
  }),
  webhooks: router({
    create: createWebhook,
    list: listWebhooks,
    delete: deleteWebhook,
    deliveries: listWebhookDeliveries,
  }),
});

/** The router's type, all that typed clients import. */
export type AppRouter = typeof appRouter;

/** Calls procedures in-process with a context of our own making: how the REST adapter reaches the router. */
export const createCaller = createCallerFactory(appRouter);
