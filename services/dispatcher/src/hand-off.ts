import {
  hmacSha256Hex,
  LEGACY_HAND_OFF_SIGNATURE_HEADER,
  parseRetryAfterMs,
  SIGNATURE_HEADER,
  signPayload,
} from "@leadline/core";
import type { LeadDoc } from "@leadline/db/dispatch";

export type HandOffOutcome =
  | { kind: "delivered"; status: number }
  /** Worth another try later: 429, 5xx, timeout, network error. */
  | { kind: "retry"; error: string; retryAfterMs: number | undefined }
  /** The dialer refused the lead itself (other 4xx): retrying cannot help. */
  | { kind: "rejected"; error: string };

/** What the dialer receives for each lead. */
export function handOffBody(lead: LeadDoc): string {
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

/** Why fetch threw: our timeout, or the network's reason (fetch hides it in `cause`). */
function fetchFailure(error: unknown, timeoutMs: number): string {
  if (error instanceof DOMException && error.name === "TimeoutError") return `timed out after ${timeoutMs} ms`;
  if (!(error instanceof Error)) return String(error);
  return error.cause instanceof Error ? error.cause.message : error.message;
}

async function excerpt(response: Response): Promise<string> {
  const text = await response.text().catch(() => "");
  return text.slice(0, 300);
}

/**
 * POSTs one lead to the dialer, signed as webhooks are (`Leadline-Signature`,
 * timestamped), with {@link handOffKey} as `Idempotency-Key`, and classifies
 * the answer.
 */
export async function handOff(
  lead: LeadDoc,
  options: { dialerUrl: string; secret: string; timeoutMs: number; signal: AbortSignal },
): Promise<HandOffOutcome> {
  const body = handOffBody(lead);
  const unixSeconds = Math.floor(Date.now() / 1000);
  let response: Response;
  try {
    response = await fetch(options.dialerUrl, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        "idempotency-key": handOffKey(lead),
        [SIGNATURE_HEADER]: await signPayload(options.secret, body, unixSeconds),
        // Kept one release for dialers that still check the body-only signature.
        [LEGACY_HAND_OFF_SIGNATURE_HEADER]: `sha256=${await hmacSha256Hex(options.secret, body)}`,
      },
      body,
      signal: AbortSignal.any([options.signal, AbortSignal.timeout(options.timeoutMs)]),
    });
  } catch (error) {
    return {
      kind: "retry",
      error: `dialer unreachable: ${fetchFailure(error, options.timeoutMs)}`,
      retryAfterMs: undefined,
    };
  }
  if (response.ok) {
    await response.body?.cancel();
    return { kind: "delivered", status: response.status };
  }
  const text = await excerpt(response);
  const detail = `dialer answered ${response.status}${text ? `: ${text}` : ""}`;
  if (response.status === 429 || response.status >= 500) {
    return { kind: "retry", error: detail, retryAfterMs: parseRetryAfterMs(response.headers.get("retry-after")) };
  }
  return { kind: "rejected", error: detail };
}
