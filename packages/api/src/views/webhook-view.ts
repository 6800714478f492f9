import type { WebhookDeliveryDoc, WebhookEndpointDoc, WebhookEventType } from "@leadline/db";

/** An endpoint as listed: never its secret. */
export const toWebhookView = (endpoint: WebhookEndpointDoc) => ({
  id: endpoint._id.toHexString(),
  url: endpoint.url,
  events: endpoint.events as WebhookEventType[],
  createdAt: endpoint.createdAt.toISOString(),
});

const iso = (date: Date | undefined) => date?.toISOString() ?? null;

export const toWebhookDeliveryView = (delivery: WebhookDeliveryDoc) => ({
  eventId: delivery.eventId,
  eventType: delivery.eventType as WebhookEventType,
  state: delivery.state,
  attempts: delivery.attempts,
  lastStatusCode: delivery.lastStatusCode ?? null,
  lastError: delivery.lastError ?? null,
  nextAttemptAt: delivery.state === "pending" ? delivery.nextAttemptAt.toISOString() : null,
  createdAt: delivery.createdAt.toISOString(),
  firstAttemptAt: iso(delivery.firstAttemptAt),
  lastAttemptAt: iso(delivery.lastAttemptAt),
  deliveredAt: iso(delivery.deliveredAt),
  failedAt: iso(delivery.failedAt),
});
