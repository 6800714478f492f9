import { toWebhookView } from "../../views/webhook-view.ts";
import { readProcedure } from "../procedure-builders.ts";
import { listWebhooksInput, listWebhooksMeta, listWebhooksOutput } from "./webhook-procedures.types.ts";

/** `GET /api/v1/webhooks` and `webhooks.list`: no secrets. */
export const listWebhooks = readProcedure
  .meta(listWebhooksMeta)
  .input(listWebhooksInput)
  .output(listWebhooksOutput)
  .query(async ({ ctx }) => {
    const endpoints = await ctx.deps.repos.webhookEndpoints.list(ctx.principal.accountId);
    return { success: true as const, data: { webhooks: endpoints.map(toWebhookView) }, error: null };
  });
