import { SIGNATURE_HEADER, signPayload } from "./leadline-signature.ts";

/** The header that carries a webhook's signature: the one format of `leadline-signature.ts`. */
export const WEBHOOK_SIGNATURE_HEADER = SIGNATURE_HEADER;
/** The header that carries the event's id, the same on every attempt: how receivers spot a repeat. */
export const WEBHOOK_EVENT_ID_HEADER = "Leadline-Event-Id";

/**
 * The `Leadline-Signature` value for a webhook `body` sent at `unixSeconds`:
 * {@link signPayload}, the same helper that signs dialer hand-offs.
 *
 * @example
 * await webhookSignature(secret, body, 1767225600) // "t=1767225600,v1=5f0c…"
 */
export const webhookSignature = signPayload;
