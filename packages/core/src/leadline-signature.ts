/**
 * The one signature format Leadline sends, on webhooks and dialer hand-offs
 * alike: `Leadline-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>">`.
 * The timestamp is inside the signed text, so a receiver that checks it
 * refuses a captured request replayed later. Web Crypto only: workers run
 * under Node and Deno.
 */
export const SIGNATURE_HEADER = "Leadline-Signature";

/** How far a signature's `t` may be from the receiver's clock, either way, by default. */
export const SIGNATURE_TOLERANCE_SECONDS = 300;

/**
 * The hand-off header of earlier releases, `sha256=<hex HMAC-SHA256 of the body>`, sent beside
 * {@link SIGNATURE_HEADER} for one release so that dialers can move over. It has no timestamp:
 * verify the new header instead.
 * @deprecated removed in the next release.
 */
export const LEGACY_HAND_OFF_SIGNATURE_HEADER = "X-Leadline-Signature";

const encoder = new TextEncoder();
const keys = new Map<string, Promise<CryptoKey>>();

function keyFor(secret: string): Promise<CryptoKey> {
  let key = keys.get(secret);
  if (!key) {
    key = crypto.subtle.importKey("raw", encoder.encode(secret), { name: "HMAC", hash: "SHA-256" }, false, [
      "sign",
      "verify",
    ]);
    keys.set(secret, key);
  }
  return key;
}

/** HMAC-SHA256 of `text` under `secret`, hex. */
export async function hmacSha256Hex(secret: string, text: string): Promise<string> {
  const signature = await crypto.subtle.sign("HMAC", await keyFor(secret), encoder.encode(text));
  return Array.from(new Uint8Array(signature), (byte) => byte.toString(16).padStart(2, "0")).join("");
}

/**
 * The `Leadline-Signature` value for `body` sent at `unixSeconds`.
 *
 * @example
 * await signPayload(secret, body, Math.floor(Date.now() / 1000)) // "t=1767225600,v1=5f0c…"
 */
export async function signPayload(secret: string, body: string, unixSeconds: number): Promise<string> {
  return `t=${unixSeconds},v1=${await hmacSha256Hex(secret, `${unixSeconds}.${body}`)}`;
}

/** `t` and every `v1` of a header value; undefined when it is not in the format. */
function parseSignature(header: string): { t: number; v1: string[] } | undefined {
  let t: number | undefined;
  const v1: string[] = [];
  for (const part of header.split(",")) {
    const [name, value = ""] = part.trim().split("=", 2);
    if (name === "t" && /^\d{1,12}$/.test(value)) t = Number(value);
    else if (name === "v1" && /^[0-9a-f]{64}$/i.test(value)) v1.push(value);
  }
  return t === undefined || v1.length === 0 ? undefined : { t, v1 };
}

/**
 * True when `header` (`Leadline-Signature`) signs the raw `body` under
 * `secret` and its `t` is within `toleranceSeconds` of `nowSeconds`. Web
 * Crypto's verify compares in constant time, so answers do not leak how much
 * of a forged signature was right. Several `v1` values (a secret being
 * rotated) pass when any one does.
 *
 * @example
 * await verifyPayload(secret, rawBody, request.headers.get("leadline-signature"))
 */
export async function verifyPayload(
  secret: string,
  body: string,
  header: string | null | undefined,
  options: { toleranceSeconds?: number; nowSeconds?: number } = {},
): Promise<boolean> {
  const parsed = parseSignature(header ?? "");
  if (!parsed) return false;
  const now = options.nowSeconds ?? Date.now() / 1000;
  if (Math.abs(now - parsed.t) > (options.toleranceSeconds ?? SIGNATURE_TOLERANCE_SECONDS)) return false;
  const key = await keyFor(secret);
  const signed = encoder.encode(`${parsed.t}.${body}`);
  for (const hex of parsed.v1) {
    const signature = new Uint8Array(hex.match(/../g)!.map((pair) => parseInt(pair, 16)));
    if (await crypto.subtle.verify("HMAC", key, signature, signed)) return true;
  }
  return false;
}
