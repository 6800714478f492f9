/**
 * JSON with every object's keys sorted, so that two bodies that differ only
 * in key order are the same request. Fields whose value is `undefined` are
 * left out, and array items that are `undefined` (or holes) read as null.
 *
 * One pass that writes the text as it goes: a bulk request's 1000 leads
 * are fingerprinted on every request with an Idempotency-Key, and a copy of
 * every object's entries per lead cost more than the rest of the request's
 * own work. The text is exactly what the entries-sorting version wrote, so
 * stored fingerprints stay valid (fingerprint.test.ts compares the two).
 */
export function canonicalJson(value: unknown): string {
  return canonical(value) ?? "null";
}

/** Keys seen before, with their JSON text: a bulk body repeats the same few field names a thousand times. */
const quotedKeys = new Map<string, string>();

function quoted(key: string): string {
  let text = quotedKeys.get(key);
  if (text === undefined) {
    text = JSON.stringify(key);
    if (quotedKeys.size < 1000) quotedKeys.set(key, text);
  }
  return text;
}

function canonical(value: unknown): string | undefined {
  if (typeof value === "string") return JSON.stringify(value);
  if (typeof value !== "object" || value === null) return JSON.stringify(value);
  if (Array.isArray(value)) {
    let text = "[";
    for (let index = 0; index < value.length; index++) {
      if (index > 0) text += ",";
      const item: unknown = value[index];
      // A hole was written as nothing between its commas, like Array#join writes it.
      if (item === undefined && !(index in value)) continue;
      text += canonical(item ?? null) ?? "null";
    }
    return `${text}]`;
  }
  const record = value as Record<string, unknown>;
  // Keys are distinct, so the default order (UTF-16 code units) is the `<` order.
  const keys = Object.keys(record).sort();
  let text = "{";
  let first = true;
  for (const key of keys) {
    const item = record[key];
    if (item === undefined) continue;
    if (!first) text += ",";
    first = false;
    text += `${quoted(key)}:${canonical(item) ?? "null"}`;
  }
  return `${text}}`;
}

const HEX = Array.from({ length: 256 }, (_, byte) => byte.toString(16).padStart(2, "0"));

/**
 * SHA-256 (hex) of the parsed body in canonical form. Web Crypto, so that
 * the API computes it the same way under Node and Deno.
 *
 * @example
 * await fingerprintOf({ b: 1, a: 2 }) === (await fingerprintOf({ a: 2, b: 1 })) // true
 */
export async function fingerprintOf(body: unknown): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(canonicalJson(body))));
  let hex = "";
  for (const byte of digest) hex += HEX[byte];
  return hex;
}
