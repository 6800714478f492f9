const keys = new Map<string, Promise<CryptoKey>>();

function keyFor(secret: string): Promise<CryptoKey> {
  let key = keys.get(secret);
  if (!key) {
    key = crypto.subtle.importKey("raw", new TextEncoder().encode(secret), { name: "HMAC", hash: "SHA-256" }, false, [
      "sign",
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

export const SIGNATURE_HEADER = "X-Leadline-Signature";
