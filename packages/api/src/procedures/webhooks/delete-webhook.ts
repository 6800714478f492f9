import { AppError, ERROR_CODES } from "@leadline/core";
import { WEBHOOK_NOT_FOUND } from "../error-descriptions.ts";
import { writeProcedure } from "../procedure-builders.ts";
import { deleteWebhookMeta, deleteWebhookOutput, webhookPathInput } from "./webhook-procedures.types.ts";

/** `DELETE /api/v1/webhooks/{webhookId}` and `webhooks.delete`; another account's webhook is a 404 like a missing one. */
export const deleteWebhook = writeProcedure
  .meta(deleteWebhookMeta)
  .input(webhookPathInput)
  .output(deleteWebhookOutput)
  .mutation(async ({ ctx, input }) => {
    const deleted = await ctx.deps.repos.webhookEndpoints.deleteOwned(ctx.principal.accountId, input.webhookId);
    if (!deleted) throw new AppError(ERROR_CODES.NOT_FOUND, WEBHOOK_NOT_FOUND);
    return { success: true as const, data: { id: input.webhookId, deleted: true as const }, error: null };
  });
