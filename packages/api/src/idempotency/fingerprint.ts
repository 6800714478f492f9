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

/** Up to this many keys are sorted by insertion; beyond, its quadratic cost would outgrow `Array#sort`'s. */
const INSERTION_SORT_MAX = 16;

/**
 * `keys` sorted in place. Keys are distinct, so the default order (UTF-16 code units) is the `<`
 * order. Why not `Array#sort` alone: it allocates a work area on every call, and on a bulk body's
 * lead and metadata objects that was over half the garbage of a request with an Idempotency-Key.
 */
function sortedKeys(keys: string[]): string[] {
  if (keys.length > INSERTION_SORT_MAX) return keys.sort();
  for (let i = 1; i < keys.length; i++) {
    const key = keys[i]!;
    let j = i - 1;
    for (; j >= 0 && keys[j]! > key; j--) keys[j + 1] = keys[j]!;
    keys[j + 1] = key;
  }
  return keys;
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
  const keys = sortedKeys(Object.keys(record));
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
