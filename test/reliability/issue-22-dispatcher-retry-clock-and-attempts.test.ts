import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createWorkerLogger, DEFAULT_MAX_ATTEMPTS } from "@leadline/core";
import { ObjectId, type LeadDoc } from "@leadline/db";
import { Dispatcher, EligibleCampaigns, createClaimSources, parseDispatcherConfig } from "@leadline/dispatcher";
import { TestDialer, testPhones, waitFor } from "@leadline/testkit";
import { useTestDatabase, type TestDatabase } from "../support/database.ts";
import { campaignDoc } from "../support/campaign-doc.ts";
import { newLead } from "../support/new-lead.ts";

// The dispatcher read Date.now() for a retry's due time while its claims read the injected clock,
// and a lead whose campaign it did not know was given one attempt (`?? 1`) where outcomes give
// DEFAULT_MAX_ATTEMPTS (3).

const DIALER_SECRET = "issue-22-dialer-secret-0123";
const RETRY_BASE_MS = 60_000;

/** One due lead in a campaign of its own; the dialer answers 503 (try again later). */
async function oneDueLead(db: TestDatabase, areaCode: number): Promise<LeadDoc> {
  const campaign = campaignDoc({ accountId: new ObjectId(), name: `issue 22 ${areaCode}` });
  await db.repos.collections.campaigns.insertOne(campaign);
  await db.repos.leads.insertSkippingDuplicates(campaign, [newLead(testPhones(1, 0, areaCode)[0]!)]);
  return (await db.repos.collections.leads.findOne({ campaignId: campaign._id }))!;
}

/** Runs a dispatcher until the lead's first hand-off is recorded, and answers the lead as stored then. */
async function firstHandOffOf(
  db: TestDatabase,
  dialer: TestDialer,
  lead: LeadDoc,
  options: { clock?: () => Date; forgetCampaigns?: boolean } = {},
): Promise<LeadDoc> {
  const config = parseDispatcherConfig({
    MONGODB_URI: "mongodb://unused",
    DIALER_URL: dialer.url,
    DIALER_SECRET,
    DISPATCH_POLL_MS: "20",
    DISPATCH_RETRY_BASE_MS: String(RETRY_BASE_MS),
  });
  const { queue, campaigns } = createClaimSources(db.repos.collections, config);
  // Claims scoped as usual, but without the campaigns' settings: as for a campaign it does not know.
  const eligible = options.forgetCampaigns
    ? (Object.assign(Object.create(EligibleCampaigns.prototype) as EligibleCampaigns, {
        callableNow: async (now: Date) => ({ ...(await campaigns.callableNow(now)), campaigns: [] }),
      }) satisfies EligibleCampaigns)
    : campaigns;
  const dispatcher = new Dispatcher(
    config,
    queue,
    eligible,
    createWorkerLogger("silent", {}),
    undefined,
    options.clock,
  );
  dispatcher.start();
  try {
    let stored: LeadDoc | null = null;
    // A retry or a failure, whichever the dispatcher decides: either leaves the dialer's error.
    await waitFor("the hand-off's result recorded", async () => {
      stored = await db.repos.collections.leads.findOne({ _id: lead._id });
      return stored?.lastError !== undefined;
    });
    return stored!;
  } finally {
    await dispatcher.stop();
  }
}

describe("the dispatcher's retries", () => {
  const db = useTestDatabase("issue_22_dispatcher_retry");
  const dialer = new TestDialer(DIALER_SECRET);
  beforeAll(async () => {
    await dialer.start();
    dialer.answer = () => ({ status: 503 });
  });
  afterAll(() => dialer.stop());

  it("are due on the injected clock, as its claims are", async () => {
    const lead = await oneDueLead(db, 461);
    const clock = new Date("2031-05-01T00:00:00.000Z");
    const stored = await firstHandOffOf(db, dialer, lead, { clock: () => clock });
    expect(stored).toMatchObject({ state: "pending", attempts: 1, settledAttempts: 1 });
    expect(stored.updatedAt).toEqual(clock);
    // Attempt 1 waits from half the base delay to all of it, counted from the clock's now.
    expect(stored.nextAttemptAt.getTime()).toBeGreaterThanOrEqual(clock.getTime() + RETRY_BASE_MS / 2);
    expect(stored.nextAttemptAt.getTime()).toBeLessThanOrEqual(clock.getTime() + RETRY_BASE_MS);
  });

  it(`give a lead whose campaign it does not know ${DEFAULT_MAX_ATTEMPTS} attempts, as outcomes do, not 1`, async () => {
    const lead = await oneDueLead(db, 462);
    const stored = await firstHandOffOf(db, dialer, lead, { forgetCampaigns: true });
    expect(stored).toMatchObject({ state: "pending", attempts: 1, lastError: expect.any(String) });
    expect(stored).not.toHaveProperty("failedAt");
  });
});
