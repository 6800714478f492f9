import { describe, expect, it } from "vitest";
import { bulkLeadIssues } from "./bulk-lead-issues.ts";
import { describeIssues } from "./issue-path.ts";
import { bulkCreateRequestShapeSchema, bulkCreateInputSchema, isInvalidLead } from "./bulk-request-schema.ts";

/**
 * What reject mode answers: the request's own problems, else every invalid
 * lead's, in request order (the schema keeps those on the lead so that
 * `onInvalid: "skip"` can store the others).
 */
function problems(schema: typeof bulkCreateInputSchema | typeof bulkCreateRequestShapeSchema, input: unknown) {
  const result = schema.safeParse(input);
  if (!result.success) return describeIssues(result.error.issues).map((issue) => issue.message);
  if (schema === bulkCreateRequestShapeSchema) return [];
  const leads = bulkCreateInputSchema.parse(input).leads;
  const issues = leads.flatMap((lead, index) => (isInvalidLead(lead) ? bulkLeadIssues(index, lead.issues) : []));
  return describeIssues(issues).map((issue) => issue.message);
}

const campaignId = "6650c0ffee00000000000001";

describe("bulk request schema", () => {
  it("parses the docs' example into normalised leads", () => {
    const parsed = bulkCreateInputSchema.parse({
      campaignId,
      leads: [
        { phoneNumber: "+15555551234", externalId: "CRM_001", metadata: { name: "John Doe" }, priority: 10 },
        { phoneNumber: "+1 555 555 5678", scheduledFor: "2024-12-25T09:00:00Z", priority: 5 },
        { phoneNumber: "+15555559999" },
      ],
    });
    expect(parsed.leads).toEqual([
      {
        phoneNumber: "+15555551234",
        externalId: "CRM_001",
        metadata: { name: "John Doe" },
        scheduledFor: undefined,
        priority: 10,
      },
      {
        phoneNumber: "+15555555678",
        externalId: undefined,
        metadata: undefined,
        scheduledFor: new Date("2024-12-25T09:00:00Z"),
        priority: 5,
      },
      { phoneNumber: "+15555559999", externalId: undefined, metadata: undefined, scheduledFor: undefined, priority: 0 },
    ]);
  });

  it.each([
    [{ leads: [{ phoneNumber: "+15555551234" }] }, "campaignId is required"],
    [{ campaignId }, "leads array is required"],
    [{ campaignId, leads: "+15555551234" }, "leads array is required"],
    [{ campaignId, leads: [] }, "leads array cannot be empty"],
    [{ campaignId, leads: [{ phoneNumber: "+15555551234" }, {}] }, "leads[1].phoneNumber is required"],
    [{ campaignId: { $ne: null }, leads: [{ phoneNumber: "+15555551234" }] }, "campaignId must be a string"],
    [
      { campaignId, leads: [{ phoneNumber: "555-1234" }] },
      "leads[0].phoneNumber must be in international format starting with + and a country code, e.g. +15555551234",
    ],
    [{ campaignId, leads: [{ phoneNumber: "+1555" }] }, "leads[0].phoneNumber must be a valid E.164 phone number"],
    [{ campaignId, leads: ["+15555551234"] }, "leads[0] must be an object"],
    [
      { campaignId, leads: [{ phoneNumber: "+15555551234", priority: 101 }] },
      "leads[0].priority must be an integer from 0 to 100",
    ],
    [
      { campaignId, leads: [{ phoneNumber: "+15555551234", priority: 1.5 }] },
      "leads[0].priority must be an integer from 0 to 100",
    ],
    [
      { campaignId, leads: [{ phoneNumber: "+15555551234", scheduledFor: "tomorrow" }] },
      "leads[0].scheduledFor must be an ISO 8601 timestamp with a time zone, e.g. 2024-12-25T09:00:00Z",
    ],
    [
      { campaignId, leads: [{ phoneNumber: "+15555551234", scheduledFor: "2024-12-25T09:00:00" }] },
      "leads[0].scheduledFor must be an ISO 8601 timestamp with a time zone, e.g. 2024-12-25T09:00:00Z",
    ],
    [
      { campaignId, leads: [{ phoneNumber: "+15555551234", metadata: ["x"] }] },
      "leads[0].metadata must be a JSON object",
    ],
    [
      { campaignId, leads: [{ phoneNumber: "+15555551234", metadata: { $where: "1" } }] },
      'leads[0].metadata key "$where" must not start with $',
    ],
    [
      { campaignId, leads: [{ phoneNumber: "+15555551234", metadata: { "a.b": 1 } }] },
      'leads[0].metadata key "a.b" must not contain a dot',
    ],
    [
      { campaignId, leads: [{ phoneNumber: "+15555551234", metadata: JSON.parse('{"__proto__":{"x":1}}') }] },
      'leads[0].metadata key "__proto__" is not allowed',
    ],
    [
      { campaignId, leads: [{ phoneNumber: "+15555551234", metadata: { a: { b: { c: { d: { e: { f: 1 } } } } } } }] },
      "leads[0].metadata must not nest deeper than 5 levels",
    ],
    [
      { campaignId, leads: [{ phoneNumber: "+15555551234", metadata: { note: "x".repeat(9000) } }] },
      "leads[0].metadata must be at most 8192 bytes",
    ],
    [
      { campaignId, leads: [{ phoneNumber: "+15555551234", name: "John" }] },
      'leads[0] has unknown field "name"; put custom data in metadata',
    ],
  ])("refuses %j with %j", (input, message) => {
    expect(problems(bulkCreateInputSchema, input)[0]).toBe(message);
  });

  it("lists every problem, in request order", () => {
    expect(
      problems(bulkCreateInputSchema, { campaignId, leads: [{}, { phoneNumber: "+15555551234" }, { phoneNumber: 5 }] }),
    ).toEqual(["leads[0].phoneNumber is required", "leads[2].phoneNumber must be a string"]);
  });

  it("refuses an oversized leads array from the request's shape alone", () => {
    const leads = Array.from({ length: 1001 }, () => 0);
    expect(problems(bulkCreateRequestShapeSchema, { campaignId, leads })).toEqual([
      "Maximum 1000 leads per bulk request",
    ]);
    expect(problems(bulkCreateRequestShapeSchema, { campaignId, leads: leads.slice(1) })).toEqual([]);
  });

  it("accepts nulls for optional fields", () => {
    const parsed = bulkCreateInputSchema.parse({
      campaignId,
      leads: [{ phoneNumber: "+15555551234", externalId: null, metadata: null, scheduledFor: null, priority: null }],
    });
    expect(parsed.leads[0]).toMatchObject({ priority: 0, externalId: undefined });
  });
});
