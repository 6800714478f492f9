import { bulkCreateLeads } from "./procedures/bulk-create-leads.ts";
import { router } from "./trpc.ts";

export const appRouter = router({
  leads: router({
    bulkCreate: bulkCreateLeads,
  }),
});

/** The router's type, all that typed clients import. */
export type AppRouter = typeof appRouter;
