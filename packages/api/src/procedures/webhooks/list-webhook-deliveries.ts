import { AppError, ERROR_CODES } from "@leadline/core";
import { toWebhookDeliveryView } from "../../views/webhook-view.ts";
import { WEBHOOK_NOT_FOUND } from "../error-descriptions.ts";
import { readProcedure } from "../procedure-builders.ts";
import { decodeDeliveryCursor, encodeDeliveryCursor } from "./delivery-cursor.ts";
import {
  listWebhookDeliveriesInput,
  listWebhookDeliveriesMeta,
  listWebhookDeliveriesOutput,
} from "./webhook-procedures.types.ts";

/** `GET /api/v1/webhooks/{webhookId}/deliveries` and `webhooks.deliveries`: newest first, keyset-paged. */
export const listWebhookDeliveries = readProcedure
  .meta(listWebhookDeliveriesMeta)
  .input(listWebhookDeliveriesInput)
  .output(listWebhookDeliveriesOutput)
  .query(async ({ ctx, input }) => {
    const { repos } = ctx.deps;
    const endpoint = await repos.webhookEndpoints.findOwned(ctx.principal.accountId, input.webhookId);
    if (!endpoint) throw new AppError(ERROR_CODES.NOT_FOUND, WEBHOOK_NOT_FOUND);
    const after = input.cursor ? decodeDeliveryCursor(input.cursor) : undefined;
    // One extra delivery tells whether another page exists.
    const read = await repos.webhookDeliveries.listPage(endpoint._id, input.limit + 1, after);
    const page = read.slice(0, input.limit);
    const last = page.at(-1);
    const nextCursor = read.length > input.limit && last ? encodeDeliveryCursor(last) : null;
    return { success: true as const, data: { deliveries: page.map(toWebhookDeliveryView), nextCursor }, error: null };
  });
