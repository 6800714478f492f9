import { AppError, ERROR_CODES } from "@leadline/core";
import { WEBHOOK_LIMIT_REACHED } from "@leadline/db";
import { toWebhookView } from "../../views/webhook-view.ts";
import { checkWebhookUrl } from "../../webhooks/check-webhook-url.ts";
import { writeProcedure } from "../procedure-builders.ts";
import { createWebhookInput, createWebhookMeta, createWebhookOutput } from "./webhook-procedures.types.ts";

/** `whsec_` and 32 random bytes, hex. */
function generateWebhookSecret(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(32));
  return `whsec_${Array.from(bytes, (byte) => byte.toString(16).padStart(2, "0")).join("")}`;
}

/** `POST /api/v1/webhooks` and `webhooks.create`: the secret is in this answer and no other. */
export const createWebhook = writeProcedure
  .meta(createWebhookMeta)
  .input(createWebhookInput)
  .output(createWebhookOutput)
  .mutation(async ({ ctx, input }) => {
    const settings = ctx.deps.webhooks;
    checkWebhookUrl(input.url, settings);
    const created = await ctx.deps.repos.webhookEndpoints.create(
      ctx.principal.accountId,
      { url: input.url, events: input.events, secret: generateWebhookSecret() },
      settings.maxPerAccount,
    );
    if (created === WEBHOOK_LIMIT_REACHED) {
      throw new AppError(
        ERROR_CODES.UNPROCESSABLE,
        `This account already has ${settings.maxPerAccount} webhooks, the most allowed; delete one before adding another`,
      );
    }
    ctx.deps.log.info(
      {
        requestId: ctx.requestId,
        accountId: ctx.principal.accountId.toHexString(),
        webhookId: created._id.toHexString(),
      },
      "webhook registered",
    );
    ctx.setStatus?.(201);
    return { success: true as const, data: { ...toWebhookView(created), secret: created.secret }, error: null };
  });
