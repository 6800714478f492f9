import type { ApiKeyScope } from "@leadline/db";

/**
 * How the OpenAPI document describes each error status, written once. An
 * operation's meta lists its own; the document adds these for any status
 * an operation leaves out (see `buildOpenApiDocument`).
 */
export const ERROR_DESCRIPTIONS = {
  400: "Invalid request: the message names the field",
  401: "Missing or invalid API key",
  403: "The API key lacks the scope this operation needs",
  404: "Not found",
  413: "Request body too large",
  415: "Content-Type must be application/json",
  429: "Rate limit exceeded, or too many failed authentications from this address; see Retry-After",
  503: "The database is unavailable; retry after Retry-After seconds",
} as const;

/** Statuses only operations that take a body can answer. */
export const BODY_ERROR_STATUSES = [413, 415] as const;

/** The 404 messages, in the OpenAPI document and in responses alike. */
export const CAMPAIGN_NOT_FOUND = "Campaign not found";
export const LEAD_NOT_FOUND = "Lead not found";
export const IMPORT_NOT_FOUND = "Import not found";
export const WEBHOOK_NOT_FOUND = "Webhook not found";

/**
 * The errors of an operation that needs an API key with `scope`, plus its
 * own.
 *
 * @example
 * scopedErrors("read", { 404: CAMPAIGN_NOT_FOUND })
 */
export function scopedErrors(scope: ApiKeyScope, own: Record<number, string> = {}): Record<number, string> {
  return { 401: ERROR_DESCRIPTIONS[401], 403: `The API key lacks the ${scope} scope`, ...own };
}
