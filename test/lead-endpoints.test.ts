import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { createLeadlineClient } from "@leadline/client";
import { ObjectId, seedAccount } from "@leadline/db";
import { testPhones, waitFor } from "@leadline/testkit";
import { API_RUNTIMES, postBulk, useApiServer } from "./support/api-server.ts";
import { useTestDatabase } from "./support/database.ts";
import { rest } from "./support/rest.ts";
import { startWorkerProcess, type WorkerProcess } from "./support/worker-process.ts";

describe.each(API_RUNTIMES)("the lead endpoints beside bulk (%s)", (runtime) => {
  const db = useTestDatabase(`lead_endpoints_${runtime}`);
  const server = useApiServer(db, {}, runtime);

  it("POST /leads: 201 with created: true, then 200 with the stored lead and created: false", async () => {
    const { apiKey, campaignId } = await seedAccount(db.repos);
    const body = { campaignId, phoneNumber: "+1 (212) 555-0100", externalId: "CRM_9", priority: 7 };
    const first = await rest(server.url, apiKey, "POST", "/leads", body);
    expect(first.status).toBe(201);
    expect(first.body.data).toMatchObject({
      created: true,
      lead: { campaignId, phoneNumber: "+12125550100", externalId: "CRM_9", priority: 7, state: "pending" },
    });
    const again = await rest(server.url, apiKey, "POST", "/leads", { ...body, externalId: "CRM_other" });
    expect(again.status).toBe(200);
    expect(again.body.data).toEqual({ created: false, lead: first.body.data.lead });
    // The bulk path sees the same lead.
    const bulk = await postBulk(server.url, apiKey, { campaignId, leads: [{ phoneNumber: "+12125550100" }] });
    expect(bulk.body.data).toMatchObject({ created: 0, skipped: 1 });
  });

  it("POST /leads refuses a suppressed number with 422, as bulk skips it, and stores nothing", async () => {
    const { apiKey, campaignId } = await seedAccount(db.repos);
    const added = await rest(server.url, apiKey, "POST", "/suppressions", {
      phoneNumbers: ["+12125550177"],
      campaignId,
    });
    expect(added.status).toBe(200);
    const refused = await rest(server.url, apiKey, "POST", "/leads", { campaignId, phoneNumber: "+1 212 555 0177" });
    expect(refused.status).toBe(422);
    expect(refused.body).toEqual({
      success: false,
      data: null,
      error: "+12125550177 is on the do-not-call list for this campaign; the lead was not stored",
    });
    expect(await db.repos.leads.countByCampaign(new ObjectId(campaignId))).toBe(0);
  });

  it.each([
    [{ phoneNumber: "+15555551234" }, 400, "campaignId is required"],
    [{ campaignId: "C" }, 400, "phoneNumber is required"],
    [{ campaignId: "C", phoneNumber: "12" }, 400, undefined],
    [{ campaignId: "C", phoneNumber: "+15555551234", priority: 500 }, 400, "priority must be an integer from 0 to 100"],
    [{ campaignId: "C", phoneNumber: "+15555551234", nick: "x" }, 400, undefined],
    [{ campaignId: new ObjectId().toHexString(), phoneNumber: "+15555551234" }, 404, "Campaign not found"],
  ])("POST /leads %j answers %i with the bulk rules", async (input: Record<string, unknown>, status, message) => {
    const { apiKey, campaignId } = await seedAccount(db.repos);
    const body = { ...input, ...(input.campaignId === "C" ? { campaignId } : {}) };
    const response = await rest(server.url, apiKey, "POST", "/leads", body);
    expect(response.status).toBe(status);
    if (message) expect(response.body.error).toBe(message);
    // The same lead in a bulk request gets the same message, with its index in front.
    if (message && status === 400 && "campaignId" in body) {
      const { campaignId: id, ...lead } = body;
      const bulk = await postBulk(server.url, apiKey, { campaignId: id, leads: [lead] });
      expect(bulk.body.error).toBe(`leads[0].${message}`);
    }
  });

  it("GET /leads finds leads across the account's campaigns by CRM id, phone or state, a page at a time", async () => {
    const { apiKey, campaignId, accountId } = await seedAccount(db.repos);
    const second = await db.repos.campaigns.create({ accountId: new ObjectId(accountId), name: "Second" });
    const phones = testPhones(5, 0, 646);
    await postBulk(server.url, apiKey, {
      campaignId,
      leads: phones.slice(0, 3).map((phoneNumber) => ({ phoneNumber, externalId: "CRM_X" })),
    });
    await postBulk(server.url, apiKey, {
      campaignId: second._id.toHexString(),
      leads: [
        { phoneNumber: phones[0], externalId: "CRM_X" },
        { phoneNumber: phones[4], externalId: "CRM_Y" },
      ],
    });
    const other = await seedAccount(db.repos);
    await postBulk(server.url, other.apiKey, {
      campaignId: other.campaignId,
      leads: [{ phoneNumber: phones[0], externalId: "CRM_X" }],
    });

    const byPhone = await rest(server.url, apiKey, "GET", `/leads?phoneNumber=${encodeURIComponent(phones[0]!)}`);
    expect(byPhone.status).toBe(200);
    expect(byPhone.body.data.leads.map((lead: any) => lead.campaignId)).toEqual([campaignId, second._id.toHexString()]);

    const pages: string[][] = [];
    let cursor: string | null = null;
    do {
      const page: any = await rest(
        server.url,
        apiKey,
        "GET",
        `/leads?externalId=CRM_X&limit=2${cursor ? `&cursor=${cursor}` : ""}`,
      );
      pages.push(page.body.data.leads.map((lead: any) => lead.phoneNumber));
      cursor = page.body.data.nextCursor;
    } while (cursor);
    expect(pages).toEqual([
      [phones[0], phones[1]],
      [phones[2], phones[0]],
    ]);

    const inCampaign = await rest(
      server.url,
      apiKey,
      "GET",
      `/leads?campaignId=${second._id.toHexString()}&state=pending`,
    );
    expect(inCampaign.body.data.leads.map((lead: any) => lead.externalId)).toEqual(["CRM_X", "CRM_Y"]);
    expect((await rest(server.url, apiKey, "GET", `/leads?campaignId=${other.campaignId}`)).status).toBe(404);
    expect((await rest(server.url, apiKey, "GET", "/leads?phoneNumber=abc")).status).toBe(400);
  });

  it("DELETE /leads/{id} and POST /leads/bulk-delete: gone from lists and stats, phones importable again", async () => {
    const { apiKey, campaignId } = await seedAccount(db.repos);
    const phones = testPhones(4, 100, 646);
    const created = await postBulk(server.url, apiKey, {
      campaignId,
      leads: phones.map((phoneNumber) => ({ phoneNumber })),
    });
    const ids: string[] = created.body.data.createdIds;

    const deleted = await rest(server.url, apiKey, "DELETE", `/leads/${ids[0]}`);
    expect(deleted).toEqual({ status: 200, body: { success: true, data: { id: ids[0], deleted: true }, error: null } });
    expect((await rest(server.url, apiKey, "DELETE", `/leads/${ids[0]}`)).status).toBe(404);
    expect((await rest(server.url, apiKey, "GET", `/leads/${ids[0]}`)).status).toBe(404);

    const missingId = new ObjectId().toHexString();
    const bulk = await rest(server.url, apiKey, "POST", "/leads/bulk-delete", {
      campaignId,
      leadIds: [ids[1], missingId],
      phoneNumbers: ["+1 646 000 0102", "+15555550000"],
    });
    expect(bulk.status).toBe(200);
    expect(bulk.body.data).toEqual({ deleted: 2, notFound: [missingId, "+15555550000"] });

    const stats = await rest(server.url, apiKey, "GET", `/campaigns/${campaignId}/stats`);
    expect(stats.body.data.total).toBe(1);
    const listed = await rest(server.url, apiKey, "GET", `/campaigns/${campaignId}/leads`);
    expect(listed.body.data.leads.map((lead: any) => lead.id)).toEqual([ids[3]]);

    const again = await postBulk(server.url, apiKey, {
      campaignId,
      leads: phones.map((phoneNumber) => ({ phoneNumber })),
    });
    expect(again.body.data).toMatchObject({ created: 3, skipped: 1, skippedPhones: [phones[3]] });

    for (const [body, message] of [
      [{ campaignId }, "Send leadIds or phoneNumbers: at least one lead to delete"],
      [{ campaignId, phoneNumbers: ["nope"] }, undefined],
      [{ campaignId, leadIds: Array.from({ length: 1001 }, () => ids[3]) }, "leadIds must have at most 1000 entries"],
    ] as const) {
      const refused = await rest(server.url, apiKey, "POST", "/leads/bulk-delete", body);
      expect(refused.status).toBe(400);
      if (message) expect(refused.body.error).toBe(message);
    }
    const other = await seedAccount(db.repos);
    expect((await rest(server.url, other.apiKey, "DELETE", `/leads/${ids[3]}`)).status).toBe(404);
    expect(
      (await rest(server.url, other.apiKey, "POST", "/leads/bulk-delete", { campaignId, leadIds: [ids[3]] })).status,
    ).toBe(404);
  });

  it("works through the typed client", async () => {
    const { apiKey, campaignId } = await seedAccount(db.repos);
    const client = createLeadlineClient({ url: server.url, apiKey });
    const created = await client.leads.create.mutate({ campaignId, phoneNumber: "+15555550123", externalId: "T-1" });
    expect(created.data.created).toBe(true);
    const found = await client.leads.search.query({ externalId: "T-1" });
    expect(found.data.leads.map((lead) => lead.id)).toEqual([created.data.lead.id]);
    expect((await client.leads.delete.mutate({ leadId: created.data.lead.id })).data.deleted).toBe(true);
    expect((await client.leads.bulkDelete.mutate({ campaignId, phoneNumbers: ["+15555550123"] })).data).toEqual({
      deleted: 0,
      notFound: ["+15555550123"],
    });
  });
});

/** A dialer whose answers wait until the test lets them go. */
class HeldDialer {
  readonly leadIds: string[] = [];
  private server: Server | undefined;
  private gate = HeldDialer.newGate();
  url = "";

  private static newGate() {
    let resolve!: (status: number) => void;
    const promise = new Promise<number>((done) => (resolve = done));
    return { promise, resolve };
  }

  async start(): Promise<void> {
    this.server = createServer(async (req, res) => {
      let raw = "";
      for await (const chunk of req) raw += String(chunk);
      this.leadIds.push((JSON.parse(raw) as { leadId: string }).leadId);
      const status = await this.gate.promise;
      res.writeHead(status).end();
    });
    await new Promise<void>((resolve) => this.server!.listen(0, "127.0.0.1", resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/calls`;
  }

  answer(status: number): void {
    this.gate.resolve(status);
    this.gate = HeldDialer.newGate();
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise((resolve) => this.server?.close(resolve));
  }
}

describe("deleting a lead while a worker hands it to the dialer", () => {
  const db = useTestDatabase("delete_vs_worker");
  const server = useApiServer(db);
  const dialer = new HeldDialer();
  let worker: WorkerProcess;

  beforeAll(async () => {
    await dialer.start();
    // One loop: it finishes with a lead before it claims the next, so the next hand-off marks that moment.
    worker = await startWorkerProcess("node", {
      MONGODB_URI: db.uri,
      MONGODB_DB: db.dbName,
      DIALER_URL: dialer.url,
      DIALER_SECRET: "test-dialer-secret-0123456789",
      DISPATCH_POLL_MS: "20",
      CAMPAIGN_REFRESH_MS: "50",
      DISPATCH_RETRY_BASE_MS: "50",
      DISPATCH_CONCURRENCY: "1",
    });
  });
  afterAll(async () => {
    dialer.answer(200);
    await worker?.stop();
    await dialer.stop();
  });

  it.each([
    [200, "delivered"],
    [503, "to be retried"],
  ])(
    "the dialer answers %i (%s): nothing breaks, the lead stays deleted and is not handed over again; its phone imports anew",
    async (status) => {
      const { apiKey, campaignId } = await seedAccount(db.repos);
      const [phone] = testPhones(1, status, 917);
      const created = await rest(server.url, apiKey, "POST", "/leads", { campaignId, phoneNumber: phone });
      const leadId: string = created.body.data.lead.id;
      await waitFor("the worker to hand the lead over", () => dialer.leadIds.includes(leadId));

      expect((await rest(server.url, apiKey, "DELETE", `/leads/${leadId}`)).status).toBe(200);
      dialer.answer(status);
      const reimported = await postBulk(server.url, apiKey, { campaignId, leads: [{ phoneNumber: phone }] });
      expect(reimported.body.data.created).toBe(1);
      const newId: string = reimported.body.data.createdIds[0];
      await waitFor("the worker to hand the new lead over", () => dialer.leadIds.includes(newId));
      dialer.answer(200);

      // The worker's conditional update found nothing: no resurrected lead, so nothing left to claim.
      expect(await db.repos.collections.leads.countDocuments({ _id: new ObjectId(leadId) })).toBe(0);
      expect(await db.repos.collections.leads.countDocuments({ campaignId: new ObjectId(campaignId) })).toBe(1);
      expect(dialer.leadIds.filter((id) => id === leadId)).toHaveLength(1);
      const errors = worker.logs.filter((line) => /"level":(50|60)/.test(line));
      expect(errors).toEqual([]);
      expect(worker.child.exitCode).toBeNull();
    },
  );
});
