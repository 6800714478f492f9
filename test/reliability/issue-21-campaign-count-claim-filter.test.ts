import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BSON, MongoClient, type CommandStartedEvent, type Document } from "mongodb";
import { createWorkerLogger } from "@leadline/core";
import { ObjectId, createDispatchQueue, getCollections, type CampaignDoc, type LeadDoc } from "@leadline/db";
import { Dispatcher, createClaimSources, parseDispatcherConfig } from "@leadline/dispatcher";
import { TestDialer, testPhones, waitFor } from "@leadline/testkit";
import { useTestDatabase, type TestDatabase } from "../support/database.ts";
import { campaignDoc } from "../support/campaign-doc.ts";
import { newLead } from "../support/new-lead.ts";

/**
 * Issue 21, item 3: the dispatcher loaded every active campaign and named
 * each in every claim's `$in`, leads or not; 400k campaigns made a 15 MiB
 * filter, and past 16 MiB no account's leads were claimed. Claims now name
 * only campaigns with waiting leads, at most DISPATCH_CLAIM_CAMPAIGNS per
 * query. Measured on the commands the dispatcher's own wiring sends.
 */

const DIALER_SECRET = "issue-21-dialer-secret-0123456789";
const EMPTY_CAMPAIGNS = 5_000;

/** The longest `$in` list on `field` anywhere in a command's filters: how many campaigns it names. */
function longestIn(value: unknown, field: string): number {
  if (Array.isArray(value)) return Math.max(0, ...value.map((inner) => longestIn(inner, field)));
  if (!value || typeof value !== "object" || value instanceof ObjectId || value instanceof Date) return 0;
  return Math.max(
    0,
    ...Object.entries(value).map(([key, inner]) => {
      const list = key === field && inner && typeof inner === "object" ? (inner as Document).$in : undefined;
      return Array.isArray(list) ? list.length : longestIn(inner, field);
    }),
  );
}

/** The filter parts of a command: what the claim's size is about. */
const filtersOf = (command: Document): unknown[] =>
  [
    command.filter,
    command.query,
    command.pipeline,
    ...((command.updates as Document[] | undefined) ?? []).map((u) => u.q),
  ].filter((part) => part !== undefined);

/** A client of the test's own that records every command sent on it. */
async function watchedClient(db: TestDatabase) {
  const client = new MongoClient(db.uri, { monitorCommands: true });
  const commands: CommandStartedEvent[] = [];
  client.on("commandStarted", (event) => commands.push(event));
  await client.connect();
  const measure = (collection: string, field: string) => {
    const sent = commands.filter((event) => event.command[event.commandName] === collection);
    return {
      count: sent.length,
      longestIn: Math.max(0, ...sent.map((event) => longestIn(filtersOf(event.command), field))),
      largestFilterBytes: Math.max(
        0,
        ...sent.map((event) => BSON.calculateObjectSize({ filters: filtersOf(event.command) })),
      ),
    };
  };
  return { client, collections: getCollections(client.db(db.dbName)), commands, measure };
}

/** Campaigns without a lead, spread over accounts of 1000 (the cap), inserted straight into the database. */
async function seedEmptyCampaigns(db: TestDatabase, count: number) {
  for (let start = 0; start < count; start += 1000) {
    const accountId = new ObjectId();
    await db.repos.collections.campaigns.insertMany(
      Array.from({ length: Math.min(1000, count - start) }, (_, i) =>
        campaignDoc({ accountId, name: `empty ${start + i}` }),
      ),
    );
  }
}

/** `campaigns` campaigns of one account, each with `perCampaign` due leads of mixed priority. */
async function seedCampaignsWithLeads(db: TestDatabase, campaigns: number, perCampaign: number, areaCode: number) {
  const accountId = new ObjectId();
  const phones = testPhones(campaigns * perCampaign, 0, areaCode);
  const created: CampaignDoc[] = [];
  for (let c = 0; c < campaigns; c++) {
    const campaign = campaignDoc({ accountId, name: `with leads ${c}` });
    await db.repos.collections.campaigns.insertOne(campaign);
    await db.repos.leads.insertSkippingDuplicates(
      campaign,
      phones
        .slice(c * perCampaign, (c + 1) * perCampaign)
        .map((phone, i) => newLead(phone, { priority: (c * 7 + i * 13) % 101 })),
    );
    created.push(campaign);
  }
  return created;
}

function dispatcherOn(
  dialer: TestDialer,
  collections: ReturnType<typeof getCollections>,
  env: Record<string, string> = {},
) {
  const config = parseDispatcherConfig({
    MONGODB_URI: "mongodb://unused",
    DIALER_URL: dialer.url,
    DIALER_SECRET,
    DISPATCH_POLL_MS: "20",
    CAMPAIGN_REFRESH_MS: "100",
    ...env,
  });
  const { queue, campaigns } = createClaimSources(collections, config);
  return new Dispatcher(config, queue, campaigns, createWorkerLogger("silent", {}));
}

/** Runs the dispatcher, wired as the worker wires it, on a watched client until `count` hand-offs arrived. */
async function dispatchUntil(db: TestDatabase, dialer: TestDialer, count: number, env: Record<string, string>) {
  dialer.calls.length = 0;
  const watched = await watchedClient(db);
  const dispatcher = dispatcherOn(dialer, watched.collections, env);
  try {
    dispatcher.start();
    await waitFor(`${count} hand-offs`, () => dialer.calls.length >= count);
  } finally {
    await dispatcher.stop();
    await watched.client.close();
  }
  return watched;
}

describe("claims with thousands of campaigns", () => {
  const db = useTestDatabase("issue_21_claim_filter");
  const dialer = new TestDialer(DIALER_SECRET);
  beforeAll(() => dialer.start());
  afterAll(() => dialer.stop());

  it("names 500 campaigns per claim query unless DISPATCH_CLAIM_CAMPAIGNS says otherwise; refuses 0, naming it", () => {
    const env = { MONGODB_URI: "mongodb://unused", DIALER_URL: "http://127.0.0.1:9/calls", DIALER_SECRET };
    expect(parseDispatcherConfig(env).claimCampaigns).toBe(500);
    expect(() => parseDispatcherConfig({ ...env, DISPATCH_CLAIM_CAMPAIGNS: "0" })).toThrow(
      /DISPATCH_CLAIM_CAMPAIGNS: /,
    );
  });

  it.each([
    ["batch claims", "50"],
    ["single claims", "1"],
  ])(
    "%s: 5000 open campaigns without leads leave the filter small, and hand-offs flow",
    { timeout: 60_000 },
    async (_, batchSize) => {
      await db.repos.collections.leads.deleteMany({});
      await db.repos.collections.campaigns.deleteMany({});
      await seedEmptyCampaigns(db, EMPTY_CAMPAIGNS);
      const withLeads = await seedCampaignsWithLeads(db, 3, 10, 646);
      const watched = await dispatchUntil(db, dialer, 30, { DISPATCH_BATCH_SIZE: batchSize });
      expect(new Set(dialer.calls.map((call) => call.body.leadId)).size).toBe(30);
      expect(
        dialer.calls.every((call) => withLeads.some((campaign) => campaign._id.toHexString() === call.body.campaignId)),
      ).toBe(true);

      const leads = watched.measure("leads", "campaignId");
      const campaigns = watched.measure("campaigns", "_id");
      console.log(
        `[${batchSize}] ${EMPTY_CAMPAIGNS} empty campaigns: leads queries ${JSON.stringify(leads)}, campaign queries ${JSON.stringify(campaigns)}`,
      );
      expect(leads.count).toBeGreaterThan(0);
      // Three campaigns have leads: no claim names more.
      expect(leads.longestIn).toBeLessThanOrEqual(3);
      expect(leads.largestFilterBytes).toBeLessThan(4 * 1024);
      expect(campaigns.longestIn).toBeLessThanOrEqual(3);
    },
  );

  it(
    "claims more campaigns with leads than DISPATCH_CLAIM_CAMPAIGNS piece by piece, highest priority first across them",
    { timeout: 60_000 },
    async () => {
      await db.repos.collections.leads.deleteMany({});
      await db.repos.collections.campaigns.deleteMany({});
      await seedEmptyCampaigns(db, 1000);
      await seedCampaignsWithLeads(db, 12, 5, 702);
      // One line, one lead per claim: the dialer sees the claim order itself.
      const watched = await dispatchUntil(db, dialer, 60, {
        DISPATCH_BATCH_SIZE: "1",
        DISPATCH_CONCURRENCY: "1",
        DISPATCH_CLAIM_CAMPAIGNS: "5",
      });
      const priorities = dialer.calls.map((call) => call.body.priority as number);
      expect(priorities).toEqual([...priorities].sort((a, b) => b - a));
      expect(watched.measure("leads", "campaignId").longestIn).toBeLessThanOrEqual(5);
      expect(watched.measure("campaigns", "_id").longestIn).toBeLessThanOrEqual(5);
    },
  );

  it("batch claims in pieces lease the same leads in the same order as one unsplit claim", async () => {
    await db.repos.collections.leads.deleteMany({});
    await db.repos.collections.campaigns.deleteMany({});
    const campaigns = await seedCampaignsWithLeads(db, 9, 6, 808);
    // Some leads scheduled, some not: the order puts unscheduled ones first within a priority.
    const some = await db.repos.collections.leads.find({}).limit(20).toArray();
    for (const [i, lead] of some.entries()) {
      await db.repos.collections.leads.updateOne(
        { _id: lead._id },
        { $set: { priority: 40, scheduledFor: new Date(Date.now() - (i % 5) * 60_000) } },
      );
    }
    const now = new Date();
    const scope = { anyZone: campaigns.map((campaign) => campaign._id), byZone: [] };
    const expected = (
      await db.repos.collections.leads.find({}).sort({ priority: -1, scheduledFor: 1, _id: 1 }).toArray()
    ).map((lead) => lead._id.toHexString());
    const pieces = createDispatchQueue(db.repos.collections, { maxCampaignsPerClaim: 2 });
    const claimed: LeadDoc[] = [];
    for (
      let batch;
      (batch = await pieces.claimBatch({ workerId: "w", scope, leaseMs: 60_000, now, limit: 7 })).length > 0;

    )
      claimed.push(...batch);
    expect(claimed.map((lead) => lead._id.toHexString())).toEqual(expected);
    expect(await pieces.countDue(scope, now)).toBe(0);
  });
});
