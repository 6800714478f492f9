import { signBody } from "./hand-off-signature.ts";

/** The header that carries a webhook's signature: `t=<unix seconds>,v1=<hex>`. */
export const WEBHOOK_SIGNATURE_HEADER = "Leadline-Signature";
/** The header that carries the event's id, the same on every attempt: how receivers spot a repeat. */
export const WEBHOOK_EVENT_ID_HEADER = "Leadline-Event-Id";

/**
 * The `Leadline-Signature` value for `body` sent at `unixSeconds`: HMAC-SHA256
 * of `"<t>.<body>"` under the endpoint's secret, hex, through the same Web
 * Crypto helper as the dialer hand-off. The timestamp inside the signed text
 * lets receivers refuse old replays.
 *
 * @example
 * await webhookSignature(secret, body, 1767225600) // "t=1767225600,v1=5f0c…"
 */
export async function webhookSignature(secret: string, body: string, unixSeconds: number): Promise<string> {
  return `t=${unixSeconds},v1=${await signBody(secret, `${unixSeconds}.${body}`)}`;
}
