import { ObjectId } from "mongodb";
import { parseObjectId } from "./campaigns.ts";
import type { Collections } from "./collections.ts";
import type { WebhookEndpointDoc } from "./documents.ts";

/** What {@link WebhookEndpoints.create} answers when the account already has `max` endpoints. */
export const WEBHOOK_LIMIT_REACHED = "limit_reached" as const;

/** An account's webhook endpoints. */
export function createWebhookEndpoints({ webhookEndpoints }: Pick<Collections, "webhookEndpoints">) {
  return {
    /**
     * Stores a new endpoint unless the account has `max` already. The count
     * and the insert are two steps, so two concurrent registrations may end
     * one over the cap; the cap bounds fan-out work, it is not a quota.
     */
    async create(
      accountId: ObjectId,
      endpoint: { url: string; events: string[]; secret: string },
      max: number,
    ): Promise<WebhookEndpointDoc | typeof WEBHOOK_LIMIT_REACHED> {
      if ((await webhookEndpoints.countDocuments({ accountId })) >= max) return WEBHOOK_LIMIT_REACHED;
      const doc: WebhookEndpointDoc = { _id: new ObjectId(), accountId, ...endpoint, createdAt: new Date() };
      await webhookEndpoints.insertOne(doc);
      return doc;
    },

    /** The account's endpoints, oldest first. */
    async list(accountId: ObjectId): Promise<WebhookEndpointDoc[]> {
      return webhookEndpoints.find({ accountId }).sort({ _id: 1 }).toArray();
    },

    /** The account's endpoint, or null when it is missing or another account's. */
    async findOwned(accountId: ObjectId, webhookId: string): Promise<WebhookEndpointDoc | null> {
      const id = parseObjectId(webhookId);
      return id ? webhookEndpoints.findOne({ _id: id, accountId }) : null;
    },

    /** Deletes the account's endpoint and answers it; null when there was none. Its pending deliveries fail at their next attempt. */
    async deleteOwned(accountId: ObjectId, webhookId: string): Promise<WebhookEndpointDoc | null> {
      const id = parseObjectId(webhookId);
      return id ? webhookEndpoints.findOneAndDelete({ _id: id, accountId }) : null;
    },
  };
}

export type WebhookEndpoints = ReturnType<typeof createWebhookEndpoints>;
