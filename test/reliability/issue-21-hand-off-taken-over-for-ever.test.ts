import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createWorkerLogger } from "@leadline/core";
import { ObjectId, takeOversExhaustedError, type LeadDoc } from "@leadline/db";
import { Dispatcher, createClaimSources, parseDispatcherConfig } from "@leadline/dispatcher";
import { TestDialer, testPhones, waitFor } from "@leadline/testkit";
import { campaignDoc } from "../support/campaign-doc.ts";
import { useTestDatabase, type TestDatabase } from "../support/database.ts";
import { newLead } from "../support/new-lead.ts";

// A take-over brings a dead worker's hand-off back to its own attempt, so `attempts` no longer
// grows with each claim and `maxAttempts` no longer bounds it: a hand-off that stopped every worker
// that sent it was sent again, lease after lease, for ever.

const DIALER_SECRET = "issue-21-take-overs-secret-0123";
const MAX_TAKE_OVERS = 3;

/** A lead whose worker died mid-hand-off of attempt 1 (its lease lapsed), taken over `takeOvers` times before. */
async function abandonedHandOff(db: TestDatabase, areaCode: number, takeOvers: number): Promise<LeadDoc> {
  const campaign = campaignDoc({ accountId: new ObjectId(), name: `take-overs ${areaCode}` });
  await db.repos.collections.campaigns.insertOne(campaign);
  await db.repos.leads.insertSkippingDuplicates(campaign, [newLead(testPhones(1, 0, areaCode)[0]!)]);
  const lapsed = new Date(Date.now() - 60_000);
  return (await db.repos.collections.leads.findOneAndUpdate(
    { campaignId: campaign._id },
    {
      $set: {
        state: "dispatching",
        attempts: 1,
        settledAttempts: 0,
        leaseOwner: "dead-worker",
        leaseExpiresAt: lapsed,
        ...(takeOvers > 0 ? { takeOvers, takeOverAttempt: 1 } : {}),
      },
    },
    { returnDocument: "after" },
  ))!;
}

describe("a hand-off taken over from dead workers", () => {
  const db = useTestDatabase("issue_21_take_overs");
  const dialer = new TestDialer(DIALER_SECRET);
  let dispatcher: Dispatcher;
  beforeAll(async () => {
    await dialer.start();
    const config = parseDispatcherConfig({
      MONGODB_URI: "mongodb://unused",
      DIALER_URL: dialer.url,
      DIALER_SECRET,
      DISPATCH_POLL_MS: "20",
      DISPATCH_MAX_TAKE_OVERS: String(MAX_TAKE_OVERS),
      // Each case adds a campaign: seen within 50 ms rather than the default 5 s.
      CAMPAIGN_REFRESH_MS: "50",
    });
    const { queue, campaigns } = createClaimSources(db.repos.collections, config);
    dispatcher = new Dispatcher(config, queue, campaigns, createWorkerLogger("silent", {}));
    dispatcher.start();
  });
  afterAll(async () => {
    await dispatcher.stop();
    await dialer.stop();
  });

  const stored = async (lead: LeadDoc) => (await db.repos.collections.leads.findOne({ _id: lead._id }))!;

  it("goes out again as the same attempt while it has take-overs left, and counts them", async () => {
    const lead = await abandonedHandOff(db, 471, MAX_TAKE_OVERS - 1);
    await waitFor("the take-over handed off", async () => (await stored(lead)).state === "dispatched");
    const calls = dialer.calls.filter((call) => call.body.leadId === lead._id.toHexString());
    expect(calls.map((call) => call.idempotencyKey)).toEqual([`${lead._id.toHexString()}:1`]);
    expect(await stored(lead)).toMatchObject({ attempts: 1, takeOvers: MAX_TAKE_OVERS, takeOverAttempt: 1 });
  });

  it(`is failed, and not sent, once it would be taken over more than DISPATCH_MAX_TAKE_OVERS (${MAX_TAKE_OVERS}) times`, async () => {
    const lead = await abandonedHandOff(db, 472, MAX_TAKE_OVERS);
    await waitFor("the lead failed", async () => (await stored(lead)).state === "failed");
    const after = await stored(lead);
    expect(after).toMatchObject({ attempts: 1, lastError: takeOversExhaustedError(MAX_TAKE_OVERS) });
    expect(after).not.toHaveProperty("leaseOwner");
    expect(after.lastError).toContain("DISPATCH_MAX_TAKE_OVERS");
    expect(dialer.calls.filter((call) => call.body.leadId === lead._id.toHexString())).toEqual([]);
    // The tenant hears of it as of any failed lead, with the same words.
    const eventId = `lead.failed:${lead._id.toHexString()}:1`;
    await waitFor(
      "the lead.failed event",
      async () => (await db.repos.collections.outboxEvents.countDocuments({ _id: eventId })) === 1,
    );
    const event = await db.repos.collections.outboxEvents.findOne({ _id: eventId });
    expect(event?.payload).toMatchObject({ lead: { state: "failed", error: takeOversExhaustedError(MAX_TAKE_OVERS) } });
  });

  it("counts afresh for a later attempt: the take-overs of an earlier one do not carry over", async () => {
    const lead = await abandonedHandOff(db, 473, 0);
    await db.repos.collections.leads.updateOne(
      { _id: lead._id },
      { $set: { attempts: 2, settledAttempts: 1, takeOvers: MAX_TAKE_OVERS, takeOverAttempt: 1 } },
    );
    await waitFor("the take-over handed off", async () => (await stored(lead)).state === "dispatched");
    expect(await stored(lead)).toMatchObject({ attempts: 2, takeOvers: 1, takeOverAttempt: 2 });
  });
});
