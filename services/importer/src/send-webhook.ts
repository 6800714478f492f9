import { WEBHOOK_EVENT_ID_HEADER, WEBHOOK_SIGNATURE_HEADER, webhookSignature } from "@leadline/core";
import type { OutboxEventDoc } from "@leadline/db/imports";

export const WEBHOOK_USER_AGENT = "Leadline-Webhooks/1";

/** What one POST to an endpoint came to. */
export type SendResult =
  | { delivered: true; statusCode: number }
  | { delivered: false; statusCode?: number; error: string };

/** The body receivers get: the same bytes on every attempt of the event. */
export const webhookBody = (event: OutboxEventDoc): string =>
  JSON.stringify({ id: event._id, type: event.type, createdAt: event.createdAt.toISOString(), data: event.payload });

function describeFetchError(error: unknown, timeoutMs: number): string {
  if (error instanceof Error && (error.name === "TimeoutError" || error.name === "AbortError")) {
    return error.name === "TimeoutError" ? `timed out after ${timeoutMs / 1000} s` : "aborted: the worker is stopping";
  }
  const cause = error instanceof Error ? (error.cause as { code?: string; message?: string } | undefined) : undefined;
  const detail = cause?.code ?? cause?.message ?? (error instanceof Error ? error.message : String(error));
  return `connection failed: ${detail}`;
}

/**
 * POSTs the event, signed, to `url`: a 2xx answer within `timeoutMs` is a
 * delivery. Redirects are never followed (they could lead anywhere, the
 * private network included), so a 3xx is a failure.
 */
export async function sendWebhook(options: {
  url: string;
  secret: string;
  event: OutboxEventDoc;
  timeoutMs: number;
  /** Aborts the attempt when the worker stops. */
  signal: AbortSignal;
  now?: () => number;
}): Promise<SendResult> {
  const body = webhookBody(options.event);
  const unixSeconds = Math.floor((options.now ?? Date.now)() / 1000);
  let response: Response;
  try {
    response = await fetch(options.url, {
      method: "POST",
      headers: {
        "Content-Type": "application/json",
        "User-Agent": WEBHOOK_USER_AGENT,
        [WEBHOOK_EVENT_ID_HEADER]: options.event._id,
        [WEBHOOK_SIGNATURE_HEADER]: await webhookSignature(options.secret, body, unixSeconds),
      },
      body,
      redirect: "manual",
      signal: AbortSignal.any([AbortSignal.timeout(options.timeoutMs), options.signal]),
    });
  } catch (error) {
    return { delivered: false, error: describeFetchError(error, options.timeoutMs) };
  }
  // The answer's body is not read: only its status counts; cancelling frees the connection.
  await response.body?.cancel().catch(() => undefined);
  const status = response.status;
  if (response.type === "opaqueredirect" || (status >= 300 && status < 400)) {
    return {
      delivered: false,
      ...(status ? { statusCode: status } : {}),
      error: `HTTP ${status || "3xx"}: redirects are not followed; register the final URL`,
    };
  }
  if (status >= 200 && status < 300) return { delivered: true, statusCode: status };
  return {
    delivered: false,
    statusCode: status,
    error: `HTTP ${status}${response.statusText ? ` ${response.statusText}` : ""}`,
  };
}
