import { describe, expect, it } from "vitest";
import { ObjectId, seedAccount } from "@leadline/db";
import { testPhones } from "@leadline/testkit";
import { API_RUNTIMES, postBulk, useApiServer } from "./support/api-server.ts";
import { useTestDatabase } from "./support/database.ts";
import { rest } from "./support/rest.ts";

const INTERNATIONAL = "must be in international format starting with + and a country code, e.g. +15555551234";

describe.each(API_RUNTIMES)("POST /api/v1/leads/bulk options (%s)", (runtime) => {
  const db = useTestDatabase(`bulk_options_${runtime}`);
  const server = useApiServer(db, {}, runtime);

  const storedPhones = async (campaignId: string) =>
    (
      await db.repos.collections.leads
        .find({ campaignId: new ObjectId(campaignId) })
        .sort({ _id: 1 })
        .toArray()
    ).map((lead) => lead.phoneNumber);

  it('onInvalid "skip" stores the valid leads and reports the others with reject mode\'s messages', async () => {
    const { apiKey, campaignId } = await seedAccount(db.repos);
    const [a, b, c] = testPhones(3, 100);
    const leads = [
      { phoneNumber: a },
      { phoneNumber: "5551234" },
      { phoneNumber: b, priority: 500 },
      {},
      { phoneNumber: a },
      { phoneNumber: c, metadata: { $bad: 1 } },
      { phoneNumber: c },
    ];
    const rejected = await postBulk(server.url, apiKey, { campaignId, leads });
    expect(rejected.status).toBe(400);
    expect(await storedPhones(campaignId)).toEqual([]);

    const skipped = await postBulk(server.url, apiKey, { campaignId, leads, onInvalid: "skip" });
    expect(skipped.status).toBe(200);
    const { data } = skipped.body;
    expect(data).toMatchObject({ created: 2, skipped: 1, invalid: 4, skippedPhones: [a], suppressedPhones: [] });
    expect(data.created + data.skipped + data.invalid).toBe(leads.length);
    const rejectMessages = (rejected.body.issues as { path: string; message: string }[]).map((issue) => issue.message);
    expect(data.invalidLeads.map((lead: { error: string }) => lead.error)).toEqual(rejectMessages);
    expect(data.invalidLeads).toEqual([
      { index: 1, error: `leads[1].phoneNumber ${INTERNATIONAL}` },
      { index: 2, error: "leads[2].priority must be an integer from 0 to 100" },
      { index: 3, error: "leads[3].phoneNumber is required" },
      { index: 5, error: 'leads[5].metadata key "$bad" must not start with $' },
    ]);
    expect(data).not.toHaveProperty("results");
    expect(data).not.toHaveProperty("dryRun");
    expect(await storedPhones(campaignId)).toEqual([a, c]);
    expect((await storedPhones(campaignId)).length).toBe(data.createdIds.length);
  });

  it("keeps structural errors fatal under onInvalid skip", async () => {
    const { apiKey, campaignId } = await seedAccount(db.repos);
    for (const [body, error] of [
      [{ leads: [{}], onInvalid: "skip" }, "campaignId is required"],
      [{ campaignId, onInvalid: "skip" }, "leads array is required"],
      [{ campaignId, leads: Array(1001).fill({}), onInvalid: "skip" }, "Maximum 1000 leads per bulk request"],
      [{ campaignId, leads: [{}], onInvalid: "maybe" }, 'onInvalid must be "reject" or "skip"'],
    ] as const) {
      const response = await postBulk(server.url, apiKey, body);
      expect(response.status).toBe(400);
      expect(response.body.error).toBe(error);
    }
    const notJson = await postBulk(server.url, apiKey, undefined, { rawBody: '{"onInvalid":"skip",' });
    expect(notJson.status).toBe(400);
  });

  it("returnResults answers one entry per lead, in input order", async () => {
    const { apiKey, campaignId, accountId } = await seedAccount(db.repos);
    const [stored, fresh, blocked] = testPhones(3, 200);
    await postBulk(server.url, apiKey, { campaignId, leads: [{ phoneNumber: stored }] });
    await db.repos.suppressions.add({
      accountId: new ObjectId(accountId),
      campaignId: null,
      phoneNumbers: [blocked!],
      source: "api",
    });
    const response = await postBulk(server.url, apiKey, {
      campaignId,
      onInvalid: "skip",
      returnResults: true,
      leads: [{ phoneNumber: fresh }, { phoneNumber: stored }, { phoneNumber: blocked }, { phoneNumber: fresh }, {}],
    });
    expect(response.status).toBe(200);
    const { data } = response.body;
    expect(data.results).toEqual([
      { index: 0, status: "created", id: data.createdIds[0], phoneNumber: fresh },
      { index: 1, status: "duplicate", phoneNumber: stored },
      { index: 2, status: "suppressed", phoneNumber: blocked },
      { index: 3, status: "duplicate", phoneNumber: fresh },
      { index: 4, status: "invalid", error: "leads[4].phoneNumber is required" },
    ]);
    expect(data.suppressedPhones).toEqual([blocked]);

    const withoutSkip = await postBulk(server.url, apiKey, {
      campaignId,
      returnResults: true,
      leads: [{ phoneNumber: stored }],
    });
    expect(withoutSkip.body.data).not.toHaveProperty("invalid");
    expect(withoutSkip.body.data.results).toEqual([{ index: 0, status: "duplicate", phoneNumber: stored }]);
  });

  it("dryRun reports the real run's answer and writes nothing", async () => {
    const { apiKey, campaignId } = await seedAccount(db.repos);
    const leads = [...testPhones(3, 300).map((phoneNumber) => ({ phoneNumber })), { phoneNumber: "1" }];
    const body = { campaignId, leads, onInvalid: "skip", returnResults: true };
    const dry = await postBulk(server.url, apiKey, { ...body, dryRun: true });
    expect(dry.status).toBe(200);
    expect(dry.body.data).toMatchObject({ created: 3, skipped: 0, invalid: 1, createdIds: [], dryRun: true });
    expect(await storedPhones(campaignId)).toEqual([]);
    const real = await postBulk(server.url, apiKey, body);
    expect(withoutIds(real.body.data)).toEqual({ ...dry.body.data, dryRun: undefined });
  });

  it.each([
    ["US", "(212) 555-0100", "+12125550100"],
    ["US", "1-212-555-0100", "+12125550100"],
    ["GB", "020 7946 0018", "+442079460018"],
    ["GB", "7700 900123", "+447700900123"],
    ["DE", "030 1234567", "+49301234567"],
    ["DE", "30 1234567", "+49301234567"],
    ["FR", "01 23 45 67 89", "+33123456789"],
    ["FR", "6 12 34 56 78", "+33612345678"],
    ["IN", "098765 43210", "+919876543210"],
    ["IN", "98765 43210", "+919876543210"],
    ["BR", "(11) 91234-5678", "+5511912345678"],
    ["BR", "0 11 91234 5678", "+5511912345678"],
    ["DE", "+1 212 555 0100", "+12125550100"],
  ])("defaultCountry %s reads %s as %s", async (defaultCountry, phoneNumber, e164) => {
    const { apiKey, campaignId } = await seedAccount(db.repos);
    const response = await postBulk(server.url, apiKey, { campaignId, defaultCountry, leads: [{ phoneNumber }] });
    expect(response.status).toBe(200);
    expect(response.body.data.created).toBe(1);
    expect(await storedPhones(campaignId)).toEqual([e164]);
  });

  it("refuses a national number that is impossible for the country, and an unknown country", async () => {
    const { apiKey, campaignId } = await seedAccount(db.repos);
    const short = await postBulk(server.url, apiKey, {
      campaignId,
      defaultCountry: "US",
      leads: [{ phoneNumber: "555" }],
    });
    expect(short.status).toBe(400);
    expect(short.body.error).toBe(
      "leads[0].phoneNumber must be a valid phone number of US (defaultCountry), or start with + and a country code",
    );
    for (const defaultCountry of ["XX", "us", "USA", 1]) {
      const response = await postBulk(server.url, apiKey, {
        campaignId,
        defaultCountry,
        leads: [{ phoneNumber: "+12125550100" }],
      });
      expect(response.status).toBe(400);
      expect(response.body.error).toBe(
        "defaultCountry must be an ISO 3166-1 alpha-2 country code in capitals, such as US, GB or DE",
      );
    }
    const none = await postBulk(server.url, apiKey, { campaignId, leads: [{ phoneNumber: "(212) 555-0100" }] });
    expect(none.body.error).toBe(`leads[0].phoneNumber ${INTERNATIONAL}`);
  });

  it("uses the campaign's defaultCountry when the request names none; the request's wins", async () => {
    const { apiKey } = await seedAccount(db.repos);
    const created = await rest(server.url, apiKey, "POST", "/campaigns", { name: "UK", defaultCountry: "GB" });
    expect(created.status).toBe(200);
    expect(created.body.data.defaultCountry).toBe("GB");
    const campaignId = created.body.data.id as string;
    const byCampaign = await postBulk(server.url, apiKey, { campaignId, leads: [{ phoneNumber: "020 7946 0018" }] });
    expect(byCampaign.status).toBe(200);
    const byRequest = await postBulk(server.url, apiKey, {
      campaignId,
      defaultCountry: "US",
      leads: [{ phoneNumber: "(212) 555-0100" }],
    });
    expect(byRequest.status).toBe(200);
    expect(await storedPhones(campaignId)).toEqual(["+442079460018", "+12125550100"]);

    const patched = await rest(server.url, apiKey, "PATCH", `/campaigns/${campaignId}`, { defaultCountry: null });
    expect(patched.body.data.defaultCountry).toBeNull();
    const refused = await postBulk(server.url, apiKey, { campaignId, leads: [{ phoneNumber: "020 7946 0019" }] });
    expect(refused.status).toBe(400);
    expect(refused.body.error).toBe(`leads[0].phoneNumber ${INTERNATIONAL}`);
  });
});

/** A real run's answer as its dry run shows it: no ids. */
function withoutIds(data: Record<string, unknown> & { results?: Record<string, unknown>[] }) {
  const results = data.results?.map((result) =>
    Object.fromEntries(Object.entries(result).filter(([key]) => key !== "id")),
  );
  return { ...data, createdIds: [], ...(results ? { results } : {}) };
}
