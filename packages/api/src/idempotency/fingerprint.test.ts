import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { canonicalJson, fingerprintOf } from "./fingerprint.ts";

/** The first version, kept as the reference: fingerprints stored by it must still match. */
function referenceCanonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map((item) => referenceCanonicalJson(item ?? null)).join(",")}]`;
  if (typeof value === "object" && value !== null) {
    const entries = Object.entries(value)
      .filter(([, item]) => item !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([key, item]) => `${JSON.stringify(key)}:${referenceCanonicalJson(item)}`);
    return `{${entries.join(",")}}`;
  }
  return JSON.stringify(value) ?? "null";
}

/** A small deterministic generator, so that a failure can be replayed. */
function random(seed: number) {
  let state = seed >>> 0;
  return () => {
    state = (state * 1664525 + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

const KEYS = [
  "a",
  "b",
  "Z",
  "_",
  "é",
  "ä",
  "\u{1F600}",
  "__proto__",
  "toJSON",
  'key with "quotes"',
  "\n",
  "10",
  "2",
  "",
];
const STRINGS = ["", "x", "\u2028", "\ud800", '"\\/\b\f\n\r\t', "+12015550100", "日本", "\u0000"];
const NUMBERS = [0, -0, 1, -1.5, 1e21, 1e-7, Number.MAX_SAFE_INTEGER, Number.NaN, Number.POSITIVE_INFINITY];

function randomValue(next: () => number, depth: number): unknown {
  const pick = <T>(items: readonly T[]) => items[Math.floor(next() * items.length)]!;
  const kind = Math.floor(next() * (depth > 4 ? 5 : 8));
  switch (kind) {
    case 0:
      return pick(STRINGS);
    case 1:
      return pick(NUMBERS);
    case 2:
      return next() < 0.5;
    case 3:
      return null;
    case 4:
      return undefined;
    case 5:
    case 6: {
      const object: Record<string, unknown> = {};
      const count = Math.floor(next() * 6);
      for (let i = 0; i < count; i++) {
        Object.defineProperty(object, pick(KEYS), {
          value: randomValue(next, depth + 1),
          enumerable: true,
          configurable: true,
          writable: true,
        });
      }
      return object;
    }
    default:
      return Array.from({ length: Math.floor(next() * 5) }, () => randomValue(next, depth + 1));
  }
}

describe("canonicalJson", () => {
  it("writes exactly what the first version wrote, for 2000 random values", () => {
    const next = random(14);
    for (let i = 0; i < 2000; i++) {
      const value = randomValue(next, 0);
      expect(canonicalJson(value)).toBe(referenceCanonicalJson(value));
    }
  });

  it("writes the same for the edge cases JSON.parse never produces", () => {
    const values: unknown[] = [
      undefined,
      () => 1,
      [1, , 3],
      [undefined, () => 1, Symbol("s")],
      { f: () => 1, u: undefined },
    ];
    values.push(new Date(0), JSON.parse('{"__proto__":{"b":1,"a":2}}'), { b: [{ d: 1, c: 2 }], a: "x" });
    for (const value of values) expect(canonicalJson(value)).toBe(referenceCanonicalJson(value));
  });

  it("sorts objects with many keys as it sorts small ones", () => {
    // Small objects are sorted by insertion, larger ones by Array#sort: both must give the same order.
    const next = random(7);
    for (const size of [15, 16, 17, 40]) {
      const keys = Array.from({ length: size }, (_, i) => `${KEYS[i % KEYS.length]}${Math.floor(i / KEYS.length)}`);
      const shuffled = [...keys].sort(() => next() - 0.5);
      const value = Object.fromEntries(shuffled.map((key, i) => [key, i]));
      expect(canonicalJson(value)).toBe(referenceCanonicalJson(value));
    }
  });

  it("reads bodies that differ only in key order as the same", async () => {
    const sent = { leads: [{ phoneNumber: "+12015550100", externalId: "CRM_1" }], campaignId: "c" };
    const reordered = JSON.parse('{"campaignId":"c","leads":[{"externalId":"CRM_1","phoneNumber":"+12015550100"}]}');
    expect(await fingerprintOf(reordered)).toBe(await fingerprintOf(sent));
  });

  it("fingerprints as SHA-256 hex of the canonical text", async () => {
    const body = { b: 1, a: [1, "two", { y: null, x: true }] };
    const expected = createHash("sha256").update(referenceCanonicalJson(body)).digest("hex");
    expect(await fingerprintOf(body)).toBe(expected);
  });
});
