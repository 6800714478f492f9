import { successEnvelope } from "@leadline/core";
import { WEBHOOK_EVENT_TYPES } from "@leadline/db";
import type { OpenApiMeta } from "trpc-to-openapi";
import { z } from "zod";
import { ERROR_DESCRIPTIONS, WEBHOOK_NOT_FOUND, scopedErrors } from "../error-descriptions.ts";
import { resourceIdSchema, taggedOperations } from "../operation-meta.ts";
import { nextCursorOutput, pagingInput } from "../paging.ts";
import type { SuccessStatusMeta } from "../success-statuses.ts";

const openapi = taggedOperations("webhooks");

/** The longest URL an endpoint may have. */
export const MAX_WEBHOOK_URL_LENGTH = 2048;

const timestamp = () => z.string().meta({ format: "date-time", example: "2026-01-14T09:30:00.000Z" });

const eventTypeSchema = z
  .enum(WEBHOOK_EVENT_TYPES, { error: `must be one of ${WEBHOOK_EVENT_TYPES.join(", ")}` })
  .meta({ description: "An event type", example: "import.completed" });

export const createWebhookInput = z.strictObject(
  {
    url: z
      .string({
        error: (issue) =>
          issue.input === undefined ? "is required: an absolute https URL" : "must be a string: an absolute https URL",
      })
      .max(MAX_WEBHOOK_URL_LENGTH, `must be at most ${MAX_WEBHOOK_URL_LENGTH} characters`)
      .refine((url) => URL.canParse(url) && /^https?:$/.test(new URL(url).protocol), {
        message: "must be an absolute http(s) URL, e.g. https://example.com/leadline-events",
      })
      .meta({
        description:
          "Where events are POSTed: https, or http to a host named in the service's WEBHOOK_ALLOW_HOSTS. " +
          `At most ${MAX_WEBHOOK_URL_LENGTH} characters.`,
        example: "https://crm.example.com/hooks/leadline",
      }),
    events: z
      .array(eventTypeSchema, {
        error: (issue) =>
          issue.input === undefined ? "is required: an array of event types" : "must be an array of event types",
      })
      .min(1, "cannot be empty: name at least one event type")
      .refine((events) => new Set(events).size === events.length, { message: "must not repeat an event type" })
      .meta({ description: "The event types to receive, each once", example: ["import.completed", "import.failed"] }),
  },
  {
    error: (issue) =>
      issue.code === "unrecognized_keys"
        ? `Request body has unknown field${issue.keys.length > 1 ? "s" : ""} ${issue.keys.map((key) => `"${key}"`).join(", ")}`
        : "Request body must be a JSON object with url and events",
  },
);

export const webhookViewSchema = z
  .object({
    id: z.string(),
    url: z.string(),
    events: z.array(eventTypeSchema),
    createdAt: timestamp(),
  })
  .meta({ id: "Webhook" });

export const createdWebhookSchema = webhookViewSchema
  .extend({
    secret: z.string().meta({
      description:
        "Signing secret of Leadline-Signature. Shown only in this answer: store it now; no other answer includes it.",
      example: "whsec_3f1c0b2a9d8e7f6a5b4c3d2e1f0a9b8c7d6e5f4a3b2c1d0e9f8a7b6c5d4e3f2a",
    }),
  })
  .meta({ id: "CreatedWebhook" });

export const createWebhookOutput = successEnvelope(createdWebhookSchema);
export const createWebhookMeta: OpenApiMeta & SuccessStatusMeta = {
  ...openapi({
    method: "POST",
    path: "/webhooks",
    operationId: "createWebhook",
    summary: "Register a webhook endpoint for the account's events",
    description:
      "Events are POSTed as JSON { id, type, createdAt, data } with Leadline-Event-Id and " +
      'Leadline-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>"> under the secret in this answer. ' +
      "Failed deliveries are retried with backoff for up to 24 hours. Redirects are not followed.",
    successDescription: "The new endpoint, with its signing secret (shown only here)",
    errorResponses: scopedErrors("write", {
      400: `${ERROR_DESCRIPTIONS[400]}, e.g. url must use https; http is allowed only for hosts in WEBHOOK_ALLOW_HOSTS`,
      413: ERROR_DESCRIPTIONS[413],
      415: ERROR_DESCRIPTIONS[415],
      422: "The account already has as many webhooks as allowed; delete one first",
    }),
  }),
  successStatuses: { 201: "The new endpoint, with its signing secret (shown only here)" },
};

export const listWebhooksInput = z.object({});
export const listWebhooksOutput = successEnvelope(z.object({ webhooks: z.array(webhookViewSchema) }));
export const listWebhooksMeta = openapi({
  method: "GET",
  path: "/webhooks",
  operationId: "listWebhooks",
  summary: "The account's webhook endpoints, oldest first (secrets are never listed)",
  errorResponses: scopedErrors("read"),
});

const webhookIdSchema = resourceIdSchema("The webhook's id", "6650c0ffee00000000000011");

export const webhookPathInput = z.object({ webhookId: webhookIdSchema });
export const deleteWebhookOutput = successEnvelope(
  z.object({ id: z.string().meta({ description: "The deleted webhook's id" }), deleted: z.literal(true) }),
);
export const deleteWebhookMeta = openapi({
  method: "DELETE",
  path: "/webhooks/{webhookId}",
  operationId: "deleteWebhook",
  summary: "Delete a webhook endpoint; its pending deliveries are not sent",
  errorResponses: scopedErrors("write", { 404: WEBHOOK_NOT_FOUND }),
});

export const webhookDeliveryViewSchema = z
  .object({
    eventId: z.string().meta({ description: "The event's id, sent as Leadline-Event-Id on every attempt" }),
    eventType: eventTypeSchema,
    state: z.enum(["pending", "delivered", "failed"]).meta({
      description: "pending: will be tried (again) at nextAttemptAt; delivered: a 2xx answer; failed: given up",
    }),
    attempts: z.int().min(0),
    lastStatusCode: z.int().nullable().meta({ description: "HTTP status of the last attempt; null if none came back" }),
    lastError: z.string().nullable().meta({ description: "Why the last failed attempt failed" }),
    nextAttemptAt: timestamp().nullable().meta({ description: "When a pending delivery is tried next; else null" }),
    createdAt: timestamp(),
    firstAttemptAt: timestamp().nullable(),
    lastAttemptAt: timestamp().nullable(),
    deliveredAt: timestamp().nullable(),
    failedAt: timestamp().nullable(),
  })
  .meta({ id: "WebhookDelivery" });

export const listWebhookDeliveriesInput = z.strictObject({ webhookId: webhookIdSchema, ...pagingInput("Deliveries") });
export const listWebhookDeliveriesOutput = successEnvelope(
  z.object({ deliveries: z.array(webhookDeliveryViewSchema), nextCursor: nextCursorOutput() }),
);
export const listWebhookDeliveriesMeta = openapi({
  method: "GET",
  path: "/webhooks/{webhookId}/deliveries",
  operationId: "listWebhookDeliveries",
  summary: "A webhook's deliveries, newest first, with attempts, last status and last error",
  description:
    "A delivery that ended (delivered or failed) is listed until 30 days after its last attempt: the import worker's WEBHOOK_RETENTION_HOURS (720) deletes it then.",
  errorResponses: scopedErrors("read", { 400: "Invalid limit or cursor", 404: WEBHOOK_NOT_FOUND }),
});
