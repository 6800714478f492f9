import { describe, expect, it } from "vitest";
import { parseBulkCreateInput } from "./bulk-request-parse.ts";
import { bulkCreateInputSchema, bulkCreateRequestShapeSchema } from "./bulk-request-schema.ts";

/** The schema's answer: its value, or the issues it throws. */
function outcome(parse: (input: unknown) => unknown, input: unknown) {
  try {
    return { value: parse(input) };
  } catch (error) {
    return { issues: (error as { issues?: unknown }).issues, message: (error as Error).message };
  }
}

function random(seed: number) {
  let state = seed >>> 0;
  return () => {
    state = (state * 1664525 + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

const PHONES: unknown[] = [
  "+12015550100",
  "+1 (201) 555-0101",
  "+442071838750",
  "+4930123456",
  "2015550100",
  "+1201555010",
  "+1abc",
  "",
  `+1${"2".repeat(70)}`,
  12015550100,
  null,
  undefined,
];
const EXTERNAL_IDS: unknown[] = ["CRM_1", "", "x".repeat(256), "x".repeat(257), 7, null, undefined];
const METADATA: unknown[] = [
  { name: "Lead", company: "Acme Corp" },
  {},
  { $bad: 1 },
  { "a.b": 1 },
  { deep: { a: { b: { c: { d: { e: 1 } } } } } },
  { big: "x".repeat(9000) },
  [],
  "text",
  JSON.parse('{"__proto__":{"x":1}}'),
  null,
  undefined,
];
const PRIORITIES: unknown[] = [0, 10, 100, 101, -1, 1.5, "5", -0, 2 ** 53, null, undefined];
const EXTRA: [string, unknown][] = [
  ["scheduledFor", "2024-12-25T09:00:00Z"],
  ["scheduledFor", "tomorrow"],
  ["timeZone", "America/Chicago"],
  ["timeZone", "Mars/Base"],
  ["name", "unknown field"],
  ["__proto__", { polluted: true }],
];

function randomLead(next: () => number): unknown {
  const pick = <T>(items: readonly T[]) => items[Math.floor(next() * items.length)]!;
  const roll = next();
  if (roll < 0.03) return pick([null, "lead", 5, [], [{ phoneNumber: "+12015550100" }]]);
  const lead: Record<string, unknown> = {};
  const set = (key: string, value: unknown) =>
    Object.defineProperty(lead, key, { value, enumerable: true, configurable: true, writable: true });
  // Mostly valid leads of the common kind, as real traffic is.
  const common = next() < 0.6;
  const phone = common ? `+1201555${String(Math.floor(next() * 10000)).padStart(4, "0")}` : pick(PHONES);
  if (phone !== undefined || next() < 0.5) set("phoneNumber", phone);
  if (next() < 0.7) set("externalId", common ? "CRM_1" : pick(EXTERNAL_IDS));
  if (next() < 0.6) set("metadata", common ? { name: "Lead", company: "Acme" } : pick(METADATA));
  if (next() < 0.6) set("priority", common ? Math.floor(next() * 101) : pick(PRIORITIES));
  if (!common && next() < 0.3) set(...pick(EXTRA));
  return lead;
}

function randomRequest(next: () => number): unknown {
  const pick = <T>(items: readonly T[]) => items[Math.floor(next() * items.length)]!;
  const count = next() < 0.05 ? pick([0, 1001]) : 1 + Math.floor(next() * 8);
  const request: Record<string, unknown> = {
    campaignId: next() < 0.95 ? "6650c0ffee00000000000001" : pick(["", 5, "x".repeat(129), undefined]),
    leads: next() < 0.97 ? Array.from({ length: count }, () => randomLead(next)) : pick(["leads", null, {}]),
  };
  if (next() < 0.2) request.onInvalid = pick(["reject", "skip", "drop", 1]);
  if (next() < 0.2) request.returnResults = pick([true, false, "yes"]);
  if (next() < 0.2) request.dryRun = pick([true, false, 0]);
  if (next() < 0.2) request.defaultCountry = pick(["US", "DE", "us", "XX", 1]);
  if (next() < 0.03) request.extra = 1;
  if (next() < 0.02) return pick([null, [], "body", 1]);
  return request;
}

/**
 * The full schema, behind the shape check the bulk procedure has always run first (so that an
 * oversized array is refused before its leads are read): what a bulk request must be answered.
 */
const fullSchema = (value: unknown) => {
  bulkCreateRequestShapeSchema.parse(value);
  return bulkCreateInputSchema.parse(value);
};

describe("parseBulkCreateInput", () => {
  it("answers exactly as bulkCreateInputSchema.parse, value and issues, for 1000 random requests", () => {
    const next = random(14);
    for (let i = 0; i < 1000; i++) {
      const input = JSON.parse(JSON.stringify(randomRequest(next)) ?? "null") as unknown;
      const fast = outcome(parseBulkCreateInput, input);
      const schema = outcome(fullSchema, input);
      expect(fast, JSON.stringify(input)).toStrictEqual(schema);
    }
  });

  it("keeps the lead's own metadata object, as the schema does", () => {
    const input = {
      campaignId: "c",
      leads: [{ phoneNumber: "+12015550100", metadata: { name: "Lead" } }],
    };
    const parsed = parseBulkCreateInput(input);
    expect((parsed.leads[0] as { metadata?: unknown }).metadata).toBe(input.leads[0]!.metadata);
    expect(parsed).toStrictEqual(bulkCreateInputSchema.parse(input));
  });
});
