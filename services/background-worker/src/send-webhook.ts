import { SIGNATURE_HEADER, signPayload } from "@leadline/core";
import type { OutboxEventDoc } from "@leadline/db/imports";
import {
  DeliveryConnectError,
  TargetRefusedError,
  type ConnectFailure,
  type WebhookTransport,
} from "./webhook-target.ts";

export const WEBHOOK_USER_AGENT = "Leadline-Webhooks/1";
/** The header that carries the event's id, the same on every attempt: how receivers spot a repeat. */
export const WEBHOOK_EVENT_ID_HEADER = "Leadline-Event-Id";

/** What tenants see for an attempt that ran out of WEBHOOK_TIMEOUT_MS, its name resolution included. */
export const timedOutMessage = (timeoutMs: number): string => `timed out after ${timeoutMs / 1000} s`;

/**
 * What one POST to an endpoint came to. `error` is what the tenant sees (a
 * few generic phrases, never a socket's own words); `detail`, when there is
 * more to say, goes to the worker log only.
 */
export type SendResult =
  | { delivered: true; statusCode: number }
  | { delivered: false; statusCode?: number; error: string; detail?: string; permanent?: true };

/** The body receivers get: the same bytes on every attempt of the event. */
export const webhookBody = (event: OutboxEventDoc): string =>
  JSON.stringify({ id: event._id, type: event.type, createdAt: event.createdAt.toISOString(), data: event.payload });

const TENANT_MESSAGES: Record<ConnectFailure, (host: string) => string> = {
  dns: (host) => `could not resolve ${host}`,
  refused: () => "connection refused",
  reset: () => "connection closed before an answer",
  tls: () => "TLS failed",
  protocol: () => "the answer was not valid HTTP",
  other: () => "connection failed",
};

function failedAttempt(error: unknown, url: URL, timedOut: boolean, timeoutMs: number): SendResult {
  const detail = error instanceof Error ? error.message : String(error);
  if (error instanceof TargetRefusedError) {
    return {
      delivered: false,
      error: error.message,
      permanent: true,
      ...(error.detail ? { detail: error.detail } : {}),
    };
  }
  if (timedOut) return { delivered: false, error: timedOutMessage(timeoutMs), detail };
  const kind = error instanceof DeliveryConnectError ? error.kind : "other";
  return { delivered: false, error: TENANT_MESSAGES[kind](url.hostname), detail };
}

/**
 * POSTs the event, signed, to `url` through the runtime's transport (which
 * checks the address it connects to): a 2xx answer within `timeoutMs` is a
 * delivery. Redirects are never followed (they could lead anywhere, the
 * private network included), so a 3xx is a failure.
 */
export async function sendWebhook(options: {
  url: string;
  secret: string;
  event: OutboxEventDoc;
  timeoutMs: number;
  transport: WebhookTransport;
  /** Aborts the attempt when the worker stops. */
  signal: AbortSignal;
  /** The attempt's `timeoutMs` timer, when it started before the send (the early check's resolution counts too). */
  timeout?: AbortSignal;
  now?: () => number;
}): Promise<SendResult> {
  const body = webhookBody(options.event);
  const url = new URL(options.url);
  const unixSeconds = Math.floor((options.now ?? Date.now)() / 1000);
  const timeout = options.timeout ?? AbortSignal.timeout(options.timeoutMs);
  let status: number;
  try {
    ({ status } = await options.transport({
      url,
      headers: {
        "Content-Type": "application/json",
        "User-Agent": WEBHOOK_USER_AGENT,
        [WEBHOOK_EVENT_ID_HEADER]: options.event._id,
        [SIGNATURE_HEADER]: await signPayload(options.secret, body, unixSeconds),
      },
      body,
      signal: AbortSignal.any([timeout, options.signal]),
    }));
  } catch (error) {
    if (options.signal.aborted) return { delivered: false, error: "aborted: the worker is stopping" };
    return failedAttempt(error, url, timeout.aborted, options.timeoutMs);
  }
  if (status >= 300 && status < 400) {
    return {
      delivered: false,
      statusCode: status,
      error: `HTTP ${status}: redirects are not followed; register the final URL`,
    };
  }
  if (status >= 200 && status < 300) return { delivered: true, statusCode: status };
  return { delivered: false, statusCode: status, error: `HTTP ${status}` };
}
