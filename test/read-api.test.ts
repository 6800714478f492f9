import { describe, expect, it } from "vitest";
import { createLeadlineClient, leadlineErrorDetails } from "@leadline/client";
import { ObjectId, seedAccount } from "@leadline/db";
import { postBulk, useApiServer } from "./support/api-server.ts";
import { useTestDatabase } from "./support/database.ts";
import { rest } from "./support/rest.ts";
import { testPhones } from "@leadline/testkit";

const hours = { timeZone: "Europe/Berlin", days: [1, 2, 3, 4, 5], start: "09:00", end: "18:00" };

describe("campaigns over REST", () => {
  const db = useTestDatabase("read_campaigns");
  const server = useApiServer(db, { BULK_RATE_LIMIT: "1000" });

  it("creates, lists, gets, pauses and resumes a campaign", async () => {
    const { apiKey } = await seedAccount(db.repos);
    const created = await rest(server.url, apiKey, "POST", "/campaigns", {
      name: "Spring promo",
      callingHours: hours,
      maxAttempts: 5,
    });
    expect(created.status).toBe(200);
    expect(created.body.data).toMatchObject({
      name: "Spring promo",
      status: "active",
      callingHours: hours,
      maxAttempts: 5,
    });
    const id = created.body.data.id;

    const listed = await rest(server.url, apiKey, "GET", "/campaigns");
    expect(listed.body.data.campaigns.map((c: { id: string }) => c.id)).toContain(id);

    const paused = await rest(server.url, apiKey, "PATCH", `/campaigns/${id}`, { status: "paused" });
    expect(paused.body.data).toMatchObject({ id, status: "paused", callingHours: hours });
    expect((await rest(server.url, apiKey, "GET", `/campaigns/${id}`)).body.data.status).toBe("paused");
    const resumed = await rest(server.url, apiKey, "PATCH", `/campaigns/${id}`, {
      status: "active",
      callingHours: null,
    });
    expect(resumed.body.data).toMatchObject({ status: "active", callingHours: null });
  });

  it.each([
    ["POST", "/campaigns", {}, "name is required"],
    ["POST", "/campaigns", { name: "x", maxAttempts: 0 }, "maxAttempts must be an integer from 1 to 20"],
    [
      "POST",
      "/campaigns",
      { name: "x", callingHours: { ...hours, end: "08:00" } },
      "callingHours.end must be after start",
    ],
    [
      "POST",
      "/campaigns",
      { name: "x", callingHours: { ...hours, timeZone: "Nowhere/Land" } },
      'callingHours.timeZone must be an IANA time zone such as America/New_York, or "recipient"',
    ],
    [
      "PATCH",
      "/campaigns/ID",
      {},
      "Nothing to update: send at least one of name, status, callingHours, maxAttempts, retryPolicy, defaultCountry",
    ],
    ["PATCH", "/campaigns/ID", { status: "stopped" }, 'status must be "active" or "paused"'],
  ])("answers %s %s %j with 400 and a message naming the field", async (method, path, body, message) => {
    const { apiKey, campaignId } = await seedAccount(db.repos);
    const response = await rest(server.url, apiKey, method, path.replace("ID", campaignId), body);
    expect(response.status).toBe(400);
    expect(response.body).toMatchObject({ success: false, data: null, error: message });
  });

  it("counts a campaign's leads by state", async () => {
    const { apiKey, campaignId } = await seedAccount(db.repos);
    await postBulk(server.url, apiKey, { campaignId, leads: testPhones(5).map((phoneNumber) => ({ phoneNumber })) });
    await db.repos.collections.leads.updateOne(
      { campaignId: new ObjectId(campaignId), phoneNumber: testPhones(1)[0] },
      { $set: { state: "failed" } },
    );
    const stats = await rest(server.url, apiKey, "GET", `/campaigns/${campaignId}/stats`);
    expect(stats.body.data).toEqual({
      campaignId,
      total: 5,
      byState: { pending: 4, dispatching: 0, dispatched: 0, completed: 0, failed: 1, suppressed: 0 },
      byLastOutcome: { connected: 0, no_answer: 0, busy: 0, voicemail: 0, opted_out: 0, invalid_number: 0, failed: 0 },
    });
  });

  it("needs the write scope to create or update, and a refused change changes nothing", async () => {
    const { readOnlyApiKey, campaignId } = await seedAccount(db.repos);
    const before = (await rest(server.url, readOnlyApiKey, "GET", `/campaigns/${campaignId}`)).body.data;
    const refusedCreate = await rest(server.url, readOnlyApiKey, "POST", "/campaigns", { name: "x" });
    expect(refusedCreate.status).toBe(403);
    expect(refusedCreate.body.error).toBe('This API key lacks the "write" scope');
    const refusedUpdate = await rest(server.url, readOnlyApiKey, "PATCH", `/campaigns/${campaignId}`, {
      status: "paused",
      name: "renamed",
    });
    expect(refusedUpdate.status).toBe(403);
    const after = await rest(server.url, readOnlyApiKey, "GET", `/campaigns/${campaignId}`);
    expect(after.status).toBe(200);
    expect(after.body.data).toEqual(before);
    const listed = await rest(server.url, readOnlyApiKey, "GET", "/campaigns");
    expect(listed.body.data.campaigns.map((c: { name: string }) => c.name)).not.toContain("x");
  });

  it("renames a campaign and changes its maximum attempts", async () => {
    const { apiKey, campaignId } = await seedAccount(db.repos);
    const updated = await rest(server.url, apiKey, "PATCH", `/campaigns/${campaignId}`, {
      name: "  Autumn promo ",
      maxAttempts: 7,
    });
    expect(updated.status).toBe(200);
    expect(updated.body.data).toMatchObject({ id: campaignId, name: "Autumn promo", maxAttempts: 7, status: "active" });
    const stored = await db.repos.collections.campaigns.findOne({ _id: new ObjectId(campaignId) });
    expect(stored).toMatchObject({ name: "Autumn promo", maxAttempts: 7 });
  });
});

describe("leads over REST: cursor paging", () => {
  const db = useTestDatabase("read_leads");
  const server = useApiServer(db, { BULK_RATE_LIMIT: "1000" });

  async function pageThrough(
    apiKey: string,
    campaignId: string,
    limit: number,
    between?: (page: number) => Promise<void>,
  ) {
    const seen: string[] = [];
    let cursor: string | null = null;
    for (let page = 0; page < 100; page++) {
      const query = new URLSearchParams({ limit: String(limit), ...(cursor ? { cursor } : {}) });
      const response = await rest(server.url, apiKey, "GET", `/campaigns/${campaignId}/leads?${query}`);
      expect(response.status).toBe(200);
      seen.push(...response.body.data.leads.map((lead: { id: string }) => lead.id));
      cursor = response.body.data.nextCursor;
      if (!cursor) return seen;
      await between?.(page);
    }
    throw new Error("paging did not end");
  }

  it("returns every lead exactly once across pages, also while new leads arrive", async () => {
    const { apiKey, campaignId } = await seedAccount(db.repos);
    const first = await postBulk(server.url, apiKey, {
      campaignId,
      leads: testPhones(50).map((phoneNumber) => ({ phoneNumber })),
    });
    const original: string[] = first.body.data.createdIds;
    let extra = 0;
    const seen = await pageThrough(apiKey, campaignId, 7, async () => {
      const more = testPhones(3, 1000 + extra);
      extra += 3;
      await postBulk(server.url, apiKey, { campaignId, leads: more.map((phoneNumber) => ({ phoneNumber })) });
    });
    expect(new Set(seen).size).toBe(seen.length);
    expect(seen.filter((id) => original.includes(id))).toEqual(original);
  });

  it("filters by state and gets one lead", async () => {
    const { apiKey, campaignId } = await seedAccount(db.repos);
    const created = await postBulk(server.url, apiKey, {
      campaignId,
      leads: [
        { phoneNumber: "+15555550100", externalId: "A-1", metadata: { tier: "gold" } },
        { phoneNumber: "+15555550101" },
      ],
    });
    const [firstId] = created.body.data.createdIds;
    await db.repos.collections.leads.updateOne(
      { campaignId: new ObjectId(campaignId), phoneNumber: "+15555550101" },
      { $set: { state: "dispatched", dispatchedAt: new Date() } },
    );
    const pending = await rest(server.url, apiKey, "GET", `/campaigns/${campaignId}/leads?state=pending`);
    expect(pending.body.data.leads.map((lead: { id: string }) => lead.id)).toEqual([firstId]);
    const one = await rest(server.url, apiKey, "GET", `/leads/${firstId}`);
    expect(one.body.data).toMatchObject({
      id: firstId,
      campaignId,
      phoneNumber: "+15555550100",
      externalId: "A-1",
      metadata: { tier: "gold" },
      state: "pending",
      attempts: 0,
      priority: 0,
    });
  });

  it("pages 100 leads at a time by default", async () => {
    const { apiKey, campaignId } = await seedAccount(db.repos);
    await postBulk(server.url, apiKey, {
      campaignId,
      leads: testPhones(120, 3000).map((phoneNumber) => ({ phoneNumber })),
    });
    const first = await rest(server.url, apiKey, "GET", `/campaigns/${campaignId}/leads`);
    expect(first.body.data.leads).toHaveLength(100);
    expect(first.body.data.nextCursor).toEqual(expect.any(String));
    const second = await rest(
      server.url,
      apiKey,
      "GET",
      `/campaigns/${campaignId}/leads?cursor=${encodeURIComponent(first.body.data.nextCursor)}`,
    );
    expect(second.body.data.leads).toHaveLength(20);
    expect(second.body.data.nextCursor).toBeNull();
  });

  it("pages through one state only, each of its leads once", async () => {
    const { apiKey, campaignId } = await seedAccount(db.repos);
    const created = await postBulk(server.url, apiKey, {
      campaignId,
      leads: testPhones(30, 4000).map((phoneNumber) => ({ phoneNumber })),
    });
    const ids: string[] = created.body.data.createdIds;
    const failed = ids.filter((_, i) => i % 3 === 0).map((id) => new ObjectId(id));
    await db.repos.collections.leads.updateMany({ _id: { $in: failed } }, { $set: { state: "failed" } });
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const query = new URLSearchParams({ state: "failed", limit: "4", ...(cursor ? { cursor } : {}) });
      const page = await rest(server.url, apiKey, "GET", `/campaigns/${campaignId}/leads?${query}`);
      expect(page.status).toBe(200);
      for (const lead of page.body.data.leads) expect(lead.state).toBe("failed");
      seen.push(...page.body.data.leads.map((lead: { id: string }) => lead.id));
      cursor = page.body.data.nextCursor;
    } while (cursor);
    expect(seen).toEqual(failed.map((id) => id.toHexString()));
  });

  it.each([
    ["?limit=5000", "limit must be an integer from 1 to 1000"],
    ["?limit=abc", "limit must be an integer from 1 to 1000"],
    ["?state=done", 'state must be one of "pending", "dispatching", "dispatched", "completed", "failed", "suppressed"'],
    ["?cursor=bm90LWEtY3Vyc29y", "cursor is not valid: pass the nextCursor of the previous page"],
  ])("answers %s with 400", async (query, message) => {
    const { apiKey, campaignId } = await seedAccount(db.repos);
    const response = await rest(server.url, apiKey, "GET", `/campaigns/${campaignId}/leads${query}`);
    expect(response.status).toBe(400);
    expect(response.body).toMatchObject({ success: false, data: null, error: message });
  });
});

describe("isolation between accounts on every read endpoint", () => {
  const db = useTestDatabase("read_isolation");
  const server = useApiServer(db);

  it("never shows, changes or confirms another account's campaigns and leads, over REST and tRPC", async () => {
    const owner = await seedAccount(db.repos);
    const other = await seedAccount(db.repos);
    const { body } = await postBulk(server.url, owner.apiKey, {
      campaignId: owner.campaignId,
      leads: [{ phoneNumber: "+15555550199" }],
    });
    const leadId = body.data.createdIds[0];

    const probes: [string, string, unknown?][] = [
      ["GET", `/campaigns/${owner.campaignId}`],
      ["PATCH", `/campaigns/${owner.campaignId}`, { status: "paused" }],
      ["GET", `/campaigns/${owner.campaignId}/stats`],
      ["GET", `/campaigns/${owner.campaignId}/leads`],
      ["GET", `/leads/${leadId}`],
    ];
    for (const [method, path, payload] of probes) {
      const response = await rest(server.url, other.apiKey, method, path, payload);
      expect(response.status, `${method} ${path}`).toBe(404);
      expect(response.body.error).toMatch(/^(Campaign|Lead) not found$/);
    }
    const theirs = await rest(server.url, other.apiKey, "GET", "/campaigns");
    expect(theirs.body.data.campaigns.map((c: { id: string }) => c.id)).toEqual([other.campaignId]);
    expect((await rest(server.url, owner.apiKey, "GET", `/campaigns/${owner.campaignId}`)).body.data.status).toBe(
      "active",
    );

    const client = createLeadlineClient({ url: server.url, apiKey: other.apiKey });
    const calls: (() => Promise<unknown>)[] = [
      () => client.campaigns.get.query({ campaignId: owner.campaignId }),
      () => client.campaigns.stats.query({ campaignId: owner.campaignId }),
      () => client.campaigns.update.mutate({ campaignId: owner.campaignId, status: "paused" }),
      () => client.leads.list.query({ campaignId: owner.campaignId }),
      () => client.leads.get.query({ leadId }),
    ];
    for (const call of calls) {
      const details = await call().then(() => undefined, leadlineErrorDetails);
      expect(details?.httpStatus).toBe(404);
    }
  });
});
