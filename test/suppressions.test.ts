import { describe, expect, it } from "vitest";
import { createLeadlineClient, leadlineErrorDetails } from "@leadline/client";
import { ObjectId, seedAccount } from "@leadline/db";
import { API_RUNTIMES, postBulk, useApiServer } from "./support/api-server.ts";
import { useTestDatabase } from "./support/database.ts";
import { rest } from "./support/rest.ts";
import { testPhones } from "@leadline/testkit";

describe.each(API_RUNTIMES)("suppression lists over REST and tRPC (%s)", (runtime) => {
  const db = useTestDatabase(`suppressions_${runtime}`);
  const server = useApiServer(db, { BULK_RATE_LIMIT: "1000" }, runtime);

  it("adds, checks, lists in pages and removes entries, in the documented envelope", async () => {
    const { apiKey, readOnlyApiKey, campaignId } = await seedAccount(db.repos);
    const [a, b, c] = testPhones(3, 0, 212);
    const added = await rest(server.url, apiKey, "POST", "/suppressions", {
      phoneNumbers: [a, `${b!.slice(0, 2)} ${b!.slice(2)}`, a],
      reason: "asked not to be called",
    });
    expect(added).toEqual({
      status: 200,
      body: { success: true, data: { added: 2, alreadySuppressed: 1 }, error: null },
    });
    const again = await rest(server.url, apiKey, "POST", "/suppressions", { phoneNumbers: [a, b] });
    expect(again.body.data).toEqual({ added: 0, alreadySuppressed: 2 });
    const forCampaign = await rest(server.url, apiKey, "POST", "/suppressions", { phoneNumbers: [c], campaignId });
    expect(forCampaign.body.data).toEqual({ added: 1, alreadySuppressed: 0 });

    const check = await rest(
      server.url,
      readOnlyApiKey,
      "GET",
      `/suppressions/check?phoneNumber=${encodeURIComponent(a!)}`,
    );
    expect(check.status).toBe(200);
    expect(check.body.data).toMatchObject({
      suppressed: true,
      entries: [{ phoneNumber: a, campaignId: null, reason: "asked not to be called", source: "api" }],
    });
    const other = await rest(server.url, readOnlyApiKey, "GET", `/suppressions/check?phoneNumber=%2B12125550000`);
    expect(other.body.data).toEqual({ suppressed: false, entries: [] });

    const page1 = await rest(server.url, readOnlyApiKey, "GET", "/suppressions?limit=2");
    expect(page1.body.data.suppressions.map((entry: { phoneNumber: string }) => entry.phoneNumber)).toEqual([a, b]);
    const page2 = await rest(
      server.url,
      readOnlyApiKey,
      "GET",
      `/suppressions?limit=2&cursor=${page1.body.data.nextCursor}`,
    );
    expect(page2.body.data).toMatchObject({ suppressions: [{ phoneNumber: c, campaignId }], nextCursor: null });
    const onlyCampaign = await rest(server.url, readOnlyApiKey, "GET", `/suppressions?campaignId=${campaignId}`);
    expect(onlyCampaign.body.data.suppressions).toHaveLength(1);

    const removed = await rest(server.url, apiKey, "POST", "/suppressions/remove", { phoneNumbers: [a, c] });
    expect(removed.body.data).toEqual({ removed: 1 });
    const removedCampaign = await rest(server.url, apiKey, "POST", "/suppressions/remove", {
      phoneNumbers: [c],
      campaignId,
    });
    expect(removedCampaign.body.data).toEqual({ removed: 1 });

    const client = createLeadlineClient({ url: server.url, apiKey });
    expect((await client.suppressions.check.query({ phoneNumber: b! })).data.suppressed).toBe(true);
    expect((await client.suppressions.add.mutate({ phoneNumbers: [a!] })).data).toEqual({
      added: 1,
      alreadySuppressed: 0,
    });
    expect((await client.suppressions.remove.mutate({ phoneNumbers: [a!, b!] })).data).toEqual({ removed: 2 });
    expect((await client.suppressions.list.query({})).data).toEqual({ suppressions: [], nextCursor: null });
  });

  it("skips suppressed leads at ingest: counted in skipped, listed in skippedPhones and suppressedPhones, never stored", async () => {
    const { apiKey, campaignId } = await seedAccount(db.repos);
    const phones = testPhones(5, 100, 415);
    await rest(server.url, apiKey, "POST", "/suppressions", { phoneNumbers: [phones[1]] });
    await rest(server.url, apiKey, "POST", "/suppressions", { phoneNumbers: [phones[3]], campaignId });
    await postBulk(server.url, apiKey, { campaignId, leads: [{ phoneNumber: phones[4] }] });
    const leads = [phones[0], phones[1], phones[3], phones[4], phones[1]].map((phoneNumber) => ({ phoneNumber }));
    const response = await postBulk(server.url, apiKey, { campaignId, leads });
    expect(response.status).toBe(200);
    expect(response.body.data).toMatchObject({
      created: 1,
      skipped: 4,
      skippedPhones: [phones[1], phones[3], phones[4], phones[1]],
      suppressedPhones: [phones[1], phones[3], phones[1]],
    });
    const stored = await db.repos.collections.leads.find({ campaignId: new ObjectId(campaignId) }).toArray();
    expect(stored.map((lead) => lead.phoneNumber).sort()).toEqual([phones[0], phones[4]].sort());
  });

  it("stores a number added twice at once exactly once", async () => {
    const { apiKey, accountId } = await seedAccount(db.repos);
    const phones = testPhones(50, 200, 646);
    const answers = await Promise.all(
      Array.from({ length: 4 }, () => rest(server.url, apiKey, "POST", "/suppressions", { phoneNumbers: phones })),
    );
    expect(answers.every((answer) => answer.status === 200)).toBe(true);
    expect(answers.reduce((sum, answer) => sum + answer.body.data.added, 0)).toBe(50);
    expect(await db.repos.collections.suppressions.countDocuments({ accountId: new ObjectId(accountId) })).toBe(50);
  });

  it("answers another account's campaign 404 Campaign not found; needs write to change, read to look", async () => {
    const mine = await seedAccount(db.repos);
    const theirs = await seedAccount(db.repos);
    for (const [method, path, body] of [
      ["POST", "/suppressions", { phoneNumbers: ["+12125550100"], campaignId: theirs.campaignId }],
      ["POST", "/suppressions/remove", { phoneNumbers: ["+12125550100"], campaignId: theirs.campaignId }],
      ["GET", `/suppressions?campaignId=${theirs.campaignId}`, undefined],
      ["GET", `/suppressions/check?phoneNumber=%2B12125550100&campaignId=${theirs.campaignId}`, undefined],
    ] as const) {
      const response = await rest(server.url, mine.apiKey, method, path, body);
      expect(response, `${method} ${path}`).toEqual({
        status: 404,
        body: { success: false, data: null, error: "Campaign not found" },
      });
    }
    await rest(server.url, theirs.apiKey, "POST", "/suppressions", { phoneNumbers: ["+12125550101"] });
    const check = await rest(server.url, mine.apiKey, "GET", "/suppressions/check?phoneNumber=%2B12125550101");
    expect(check.body.data.suppressed).toBe(false);
    const refused = await rest(server.url, mine.readOnlyApiKey, "POST", "/suppressions", {
      phoneNumbers: ["+12125550100"],
    });
    expect(refused.status).toBe(403);
    const client = createLeadlineClient({ url: server.url, apiKey: mine.apiKey });
    const failure = await client.suppressions.list.query({ campaignId: theirs.campaignId }).then(
      () => undefined,
      (error: unknown) => leadlineErrorDetails(error),
    );
    expect(failure).toMatchObject({ httpStatus: 404, message: "Campaign not found" });
  });

  it.each([
    [{}, "phoneNumbers array is required"],
    [{ phoneNumbers: [] }, "phoneNumbers array cannot be empty"],
    [{ phoneNumbers: Array.from({ length: 1001 }, () => "+12125550100") }, "Maximum 1000 phone numbers per request"],
    [
      { phoneNumbers: ["2125550100"] },
      "phoneNumbers[0] must be in international format starting with + and a country code, e.g. +15555551234",
    ],
    [{ phoneNumbers: ["+12125550100", "+1 nope"] }, "phoneNumbers[1] must be a valid E.164 phone number"],
    [{ phoneNumbers: [{}] }, "phoneNumbers[0] must be a string"],
  ])("answers a bad body with 400 and the lead endpoints' phone messages: %#", async (body, message) => {
    const { apiKey } = await seedAccount(db.repos);
    const response = await rest(server.url, apiKey, "POST", "/suppressions", body);
    expect(response.status).toBe(400);
    expect(response.body).toMatchObject({ success: false, data: null, error: message });
  });
});
