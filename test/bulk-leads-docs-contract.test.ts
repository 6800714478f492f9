import { describe, expect, it } from "vitest";
import { ObjectId, seedAccount } from "@leadline/db";
import { API_RUNTIMES, postBulk, useApiServer } from "./support/api-server.ts";
import { useTestDatabase } from "./support/database.ts";
import { testPhones } from "@leadline/testkit";

/** The request body of the public docs' curl example, with a real campaign id. */
function docsExample(campaignId: string) {
  return {
    campaignId,
    leads: [
      {
        phoneNumber: "+15555551234",
        externalId: "CRM_001",
        metadata: { name: "John Doe", company: "Acme Corp" },
        priority: 10,
      },
      {
        phoneNumber: "+15555555678",
        externalId: "CRM_002",
        metadata: { name: "Jane Smith", company: "Tech Inc" },
        scheduledFor: "2024-12-25T09:00:00Z",
        priority: 5,
      },
      { phoneNumber: "+15555559999", metadata: { name: "Bob Johnson" } },
    ],
  };
}

describe.each(API_RUNTIMES)("POST /api/v1/leads/bulk: the docs' contract (%s)", (runtime) => {
  const db = useTestDatabase(`docs_contract_${runtime}`);
  const server = useApiServer(db, {}, runtime);

  it("answers the docs' example with created: 3, and a retry with skipped: 3", async () => {
    const { apiKey, campaignId } = await seedAccount(db.repos);
    const first = await postBulk(server.url, apiKey, docsExample(campaignId));
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({
      success: true,
      error: null,
      data: { created: 3, skipped: 0, skippedPhones: [] },
    });
    expect(first.body.data.createdIds).toHaveLength(3);

    const stored = await db.repos.collections.leads
      .find({ campaignId: new ObjectId(campaignId) })
      .sort({ _id: 1 })
      .toArray();
    expect(stored.map((lead) => lead._id.toHexString())).toEqual(first.body.data.createdIds);
    expect(stored[1]).toMatchObject({
      phoneNumber: "+15555555678",
      externalId: "CRM_002",
      metadata: { name: "Jane Smith", company: "Tech Inc" },
      scheduledFor: new Date("2024-12-25T09:00:00Z"),
      priority: 5,
      state: "pending",
    });
    expect(stored[2]).toMatchObject({ phoneNumber: "+15555559999", priority: 0 });

    const retry = await postBulk(server.url, apiKey, docsExample(campaignId));
    expect(retry.status).toBe(200);
    expect(retry.body).toEqual({
      success: true,
      error: null,
      data: {
        created: 0,
        skipped: 3,
        createdIds: [],
        skippedPhones: ["+15555551234", "+15555555678", "+15555559999"],
        suppressedPhones: [],
      },
    });
    expect(await db.repos.leads.countByCampaign(new ObjectId(campaignId))).toBe(3);
  });

  it.each([
    ["no campaignId", (c: string) => ({ leads: docsExample(c).leads }), "campaignId is required"],
    ["no leads", (c: string) => ({ campaignId: c }), "leads array is required"],
    [
      "leads not an array",
      (c: string) => ({ campaignId: c, leads: { phoneNumber: "+15555551234" } }),
      "leads array is required",
    ],
    ["empty leads", (c: string) => ({ campaignId: c, leads: [] }), "leads array cannot be empty"],
    [
      "1001 leads",
      (c: string) => ({ campaignId: c, leads: testPhones(1001).map((phoneNumber) => ({ phoneNumber })) }),
      "Maximum 1000 leads per bulk request",
    ],
    [
      "a lead without phoneNumber",
      (c: string) => ({ campaignId: c, leads: [{ externalId: "x" }] }),
      "leads[0].phoneNumber is required",
    ],
    [
      "the third lead without phoneNumber",
      (c: string) => ({ campaignId: c, leads: [...docsExample(c).leads.slice(0, 2), { metadata: {} }] }),
      "leads[2].phoneNumber is required",
    ],
  ])("answers %s with 400 and the docs' message", async (_case, body, message) => {
    const { apiKey, campaignId } = await seedAccount(db.repos);
    // A valid lead stored first: a refused request must leave the campaign exactly as it was.
    await postBulk(server.url, apiKey, { campaignId, leads: [{ phoneNumber: "+15555550000" }] });
    const before = await db.repos.leads.countByCampaign(new ObjectId(campaignId));
    const response = await postBulk(server.url, apiKey, body(campaignId));
    expect(response.status).toBe(400);
    expect(response.body).toMatchObject({ success: false, data: null, error: message });
    expect(before).toBe(1);
    expect(await db.repos.leads.countByCampaign(new ObjectId(campaignId))).toBe(before);
  });

  it("accepts exactly 1000 leads", async () => {
    const { apiKey, campaignId } = await seedAccount(db.repos);
    const leads = testPhones(1000, 0, 212).map((phoneNumber, i) => ({ phoneNumber, externalId: `row-${i}` }));
    const response = await postBulk(server.url, apiKey, { campaignId, leads });
    expect(response.status).toBe(200);
    expect(response.body.data.created).toBe(1000);
    expect(response.body.data.created + response.body.data.skipped).toBe(leads.length);
  });

  it("skips duplicates inside one request, also when written differently", async () => {
    const { apiKey, campaignId } = await seedAccount(db.repos);
    const leads = [
      { phoneNumber: "+1 (555) 555-1234" },
      { phoneNumber: "+15555551234" },
      { phoneNumber: "+1.555.555.4321" },
      { phoneNumber: "+1-555-555-1234" },
      { phoneNumber: "+1 555 555 4321" },
    ];
    const response = await postBulk(server.url, apiKey, { campaignId, leads });
    expect(response.status).toBe(200);
    expect(response.body.data).toMatchObject({
      created: 2,
      skipped: 3,
      skippedPhones: ["+15555551234", "+15555551234", "+15555554321"],
    });
    const stored = await db.repos.collections.leads.find({ campaignId: new ObjectId(campaignId) }).toArray();
    expect(stored.map((lead) => lead.phoneNumber).sort()).toEqual(["+15555551234", "+15555554321"]);
  });

  it("answers an unknown campaign and another account's campaign alike: 404 Campaign not found", async () => {
    const mine = await seedAccount(db.repos);
    const theirs = await seedAccount(db.repos);
    for (const campaignId of [theirs.campaignId, "6650c0ffee00000000000001", "k978z8ndfnqjnbxmphvf0wd59h6yrd0a"]) {
      const response = await postBulk(server.url, mine.apiKey, docsExample(campaignId));
      expect(response.status).toBe(404);
      expect(response.body).toEqual({ success: false, data: null, error: "Campaign not found" });
    }
    expect(await db.repos.leads.countByCampaign(new ObjectId(theirs.campaignId))).toBe(0);
  });
});
