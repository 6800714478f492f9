import {
  hmacSha256Hex,
  LEGACY_HAND_OFF_SIGNATURE_HEADER,
  parseRetryAfterMs,
  readUpTo,
  SIGNATURE_HEADER,
  signPayload,
} from "@leadline/core";
import type { LeadDoc } from "@leadline/db/dispatch";
import type { DialerTarget } from "./dialer-target.ts";

/**
 * How a hand-off ended. `error` is what the tenant may see (`lastError`, lead
 * webhooks): generic, never the dialer's own words or a socket error's text.
 * `detail` is for the worker's log only.
 */
export type HandOffOutcome =
  | { kind: "delivered"; status: number }
  /** Worth another try later: 429, 5xx, timeout, network error. */
  | { kind: "retry"; error: string; detail: string; retryAfterMs: number | undefined }
  /** The dialer refused the lead itself (other 4xx): retrying cannot help. */
  | { kind: "rejected"; error: string; detail: string };

/** How much of a dialer's error answer is read, for the log: a huge body is never buffered. */
const ERROR_BODY_MAX_BYTES = 1_024;
/** How much of it, or of a network error's text, a log line carries. */
const DETAIL_MAX_CHARS = 300;

/** What the dialer receives for each lead. */
function handOffBody(lead: LeadDoc): string {
  return JSON.stringify({
    leadId: lead._id.toHexString(),
    campaignId: lead.campaignId.toHexString(),
    accountId: lead.accountId.toHexString(),
    phoneNumber: lead.phoneNumber,
    externalId: lead.externalId ?? null,
    metadata: lead.metadata ?? null,
    priority: lead.priority,
    scheduledFor: lead.scheduledFor?.toISOString() ?? null,
    attempt: lead.attempts,
  });
}

/**
 * The hand-off's `Idempotency-Key`, `<leadId>:<attempt>`: one key per
 * hand-off. A repeat of the same hand-off (its worker died before recording
 * the answer) carries the same attempt and so the same key; a new attempt
 * after an outcome or a retry carries a new one.
 */
export function handOffKey(lead: LeadDoc): string {
  return `${lead._id.toHexString()}:${lead.attempts}`;
}

/** The network's reason, as the runtime words it: fetch hides it in `cause`. */
function errorText(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const cause = error.cause as { message?: unknown; code?: unknown } | undefined;
  const parts = [error.message, cause?.code, cause?.message].filter((part) => typeof part === "string" && part);
  return parts.join(": ");
}

/** A generic name for why fetch threw, from Node's error codes or Deno's messages. */
function fetchFailure(error: unknown): string {
  if (error instanceof DOMException && error.name === "TimeoutError") return "dialer timed out";
  if (error instanceof DOMException && error.name === "AbortError") return "hand-off aborted";
  const text = errorText(error);
  if (/ECONNREFUSED|connection refused/i.test(text)) return "dialer refused the connection";
  if (/ENOTFOUND|EAI_AGAIN|dns error|lookup/i.test(text)) return "dialer host name did not resolve";
  if (/certificate|TLS|SSL/i.test(text)) return "dialer TLS handshake failed";
  if (/ECONNRESET|EPIPE|socket|reset|closed|hang up/i.test(text)) return "dialer closed the connection";
  return "dialer unreachable";
}

/** The first bytes of an error answer, as text; the rest is never read. */
async function excerpt(response: Response): Promise<string> {
  if (!response.body) return "";
  // A body cut short or timed out ends the read: what arrived is enough for a log line.
  const { bytes } = await readUpTo(response.body, ERROR_BODY_MAX_BYTES, { stopOnError: true });
  return new TextDecoder().decode(bytes).slice(0, DETAIL_MAX_CHARS);
}

/**
 * POSTs one lead to the dialer, signed as webhooks are (`Leadline-Signature`,
 * timestamped), with {@link handOffKey} as `Idempotency-Key`, and classifies
 * the answer.
 */
export async function handOff(
  lead: LeadDoc,
  options: { dialer: DialerTarget; secret: string; timeoutMs: number; signal: AbortSignal },
): Promise<HandOffOutcome> {
  const body = handOffBody(lead);
  const unixSeconds = Math.floor(Date.now() / 1000);
  let response: Response;
  try {
    response = await fetch(options.dialer.url, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        "idempotency-key": handOffKey(lead),
        [SIGNATURE_HEADER]: await signPayload(options.secret, body, unixSeconds),
        // Kept one release for dialers that still check the body-only signature.
        [LEGACY_HAND_OFF_SIGNATURE_HEADER]: `sha256=${await hmacSha256Hex(options.secret, body)}`,
        ...(options.dialer.authorization && { authorization: options.dialer.authorization }),
      },
      body,
      signal: AbortSignal.any([options.signal, AbortSignal.timeout(options.timeoutMs)]),
    });
  } catch (error) {
    const detail =
      error instanceof DOMException && error.name === "TimeoutError"
        ? `no answer within ${options.timeoutMs} ms`
        : errorText(error).slice(0, DETAIL_MAX_CHARS);
    return { kind: "retry", error: fetchFailure(error), detail, retryAfterMs: undefined };
  }
  if (response.ok) {
    await response.body?.cancel().catch(() => undefined);
    return { kind: "delivered", status: response.status };
  }
  const error = `dialer answered HTTP ${response.status}`;
  const detail = await excerpt(response);
  if (response.status === 429 || response.status >= 500) {
    return { kind: "retry", error, detail, retryAfterMs: parseRetryAfterMs(response.headers.get("retry-after")) };
  }
  return { kind: "rejected", error, detail };
}
