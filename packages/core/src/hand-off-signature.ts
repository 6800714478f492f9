/** The header that carries a hand-off's signature: `sha256=<hex>`. */
export const SIGNATURE_HEADER = "X-Leadline-Signature";

const keys = new Map<string, Promise<CryptoKey>>();

function keyFor(secret: string): Promise<CryptoKey> {
  let key = keys.get(secret);
  if (!key) {
    key = crypto.subtle.importKey("raw", new TextEncoder().encode(secret), { name: "HMAC", hash: "SHA-256" }, false, [
      "sign",
      "verify",
    ]);
    keys.set(secret, key);
  }
  return key;
}

/**
 * HMAC-SHA256 of the exact body bytes, hex, with Web Crypto. Dialers check
 * it against `X-Leadline-Signature: sha256=<hex>`.
 */
export async function signBody(secret: string, body: string): Promise<string> {
  const signature = await crypto.subtle.sign("HMAC", await keyFor(secret), new TextEncoder().encode(body));
  return Array.from(new Uint8Array(signature), (byte) => byte.toString(16).padStart(2, "0")).join("");
}

/**
 * True when `header` (`sha256=<hex>`) is the signature of `body` under
 * `secret`. Web Crypto's verify compares in constant time, so a dialer's
 * answers do not leak how much of a forged signature was right.
 *
 * @example
 * await verifySignature(secret, rawBody, request.headers.get("x-leadline-signature"))
 */
export async function verifySignature(
  secret: string,
  body: string,
  header: string | null | undefined,
): Promise<boolean> {
  const hex = /^sha256=([0-9a-f]{64})$/i.exec(header ?? "")?.[1];
  if (!hex) return false;
  const signature = new Uint8Array(hex.match(/../g)!.map((pair) => parseInt(pair, 16)));
  return crypto.subtle.verify("HMAC", await keyFor(secret), signature, new TextEncoder().encode(body));
}
