import { describe, expect, it } from "vitest";
import { ObjectId, type CampaignDoc, type LeadDoc } from "@leadline/db";
import { useTestDatabase, type TestDatabase } from "./support/database.ts";
import { newLead } from "./support/new-lead.ts";
import { testPhones, waitFor } from "@leadline/testkit";
import { useDispatcherWorkers } from "./support/dispatcher-workers.ts";
import type { WorkerRuntime } from "./support/worker-process.ts";

async function createCampaign(
  db: TestDatabase,
  options: Partial<Pick<CampaignDoc, "status" | "callingHours" | "maxAttempts">> = {},
) {
  const account = await db.repos.accounts.create({ name: "dispatch" });
  return db.repos.campaigns.create({ accountId: account._id, name: "dispatch", ...options });
}

async function leadsOf(db: TestDatabase, campaign: CampaignDoc): Promise<LeadDoc[]> {
  return db.repos.collections.leads.find({ campaignId: campaign._id }).sort({ _id: 1 }).toArray();
}

/**
 * Calling hours that cannot open while a test runs: a one-minute window, every day, half a
 * day away from now (UTC). Nothing about it depends on the date or how close midnight is.
 */
function hoursExcludingNow() {
  const now = new Date();
  const minuteOfDay = now.getUTCHours() * 60 + now.getUTCMinutes();
  let start = (minuteOfDay + 720) % 1440;
  if (start > 1430) start -= 20; // keep the window inside one day
  const hhmm = (minutes: number) =>
    `${String(Math.floor(minutes / 60)).padStart(2, "0")}:${String(minutes % 60).padStart(2, "0")}`;
  return { timeZone: "UTC", days: [1, 2, 3, 4, 5, 6, 7], start: hhmm(start), end: hhmm(start + 1) };
}

describe.each<WorkerRuntime>(["node", "deno"])("dispatcher worker under %s", (runtime) => {
  const db = useTestDatabase(`dispatch_${runtime}`);
  const {
    dialer,
    workers,
    start: startWorker,
    stopAll: stopWorkers,
  } = useDispatcherWorkers(runtime, db, {
    DISPATCH_RETRY_BASE_MS: "200",
    DISPATCH_LEASE_MS: "3000",
    DISPATCH_TIMEOUT_MS: "2000",
  });

  it(
    "hands leads over by priority, then schedule, then age; leaves not-due, outside-hours and paused leads alone",
    { timeout: 60_000 },
    async () => {
      dialer.calls.length = 0;
      dialer.answer = () => ({ status: 200 });
      const open = await createCampaign(db);
      const closed = await createCampaign(db, { callingHours: hoursExcludingNow() });
      const paused = await createCampaign(db, { status: "paused" });
      const past = (minutes: number) => new Date(Date.now() - minutes * 60_000);
      await db.repos.leads.insertSkippingDuplicates(open, [
        newLead("+15550000001", { priority: 1 }),
        newLead("+15550000002", { priority: 50, scheduledFor: past(5) }),
        newLead("+15550000003", { priority: 50, scheduledFor: past(30) }),
        newLead("+15550000004", { priority: 90 }),
        newLead("+15550000005", { priority: 50 }),
        newLead("+15550000006", { priority: 1 }),
        newLead("+15550000007", { priority: 100, scheduledFor: new Date(Date.now() + 3_600_000) }),
      ]);
      await db.repos.leads.insertSkippingDuplicates(closed, [newLead("+15550000008", { priority: 100 })]);
      await db.repos.leads.insertSkippingDuplicates(paused, [newLead("+15550000009", { priority: 100 })]);

      await startWorker({ DISPATCH_CONCURRENCY: "1" });
      await waitFor("six hand-offs", () => dialer.calls.length >= 6);
      // Leads are claimed by priority: a priority-0 sentinel goes only once nothing claimable outranks it,
      // so the priority-100 leads still pending after it are surely not claimable.
      await db.repos.leads.insertSkippingDuplicates(open, [newLead("+15550000010", { priority: 0 })]);
      await waitFor("the sentinel", () => dialer.calls.some((call) => call.body.phoneNumber === "+15550000010"));
      await stopWorkers();

      expect(dialer.calls.map((call) => call.body.phoneNumber)).toEqual([
        "+15550000004",
        "+15550000005",
        "+15550000003",
        "+15550000002",
        "+15550000001",
        "+15550000006",
        "+15550000010",
      ]);
      expect(
        dialer.calls.every(
          (call) => call.signatureValid && call.idempotencyKey === `${call.body.leadId}:${call.body.attempt}`,
        ),
      ).toBe(true);
      const states = Object.fromEntries(
        (
          await db.repos.collections.leads.find({ campaignId: { $in: [open._id, closed._id, paused._id] } }).toArray()
        ).map((lead) => [lead.phoneNumber, lead.state]),
      );
      expect(states).toMatchObject({
        "+15550000004": "dispatched",
        "+15550000007": "pending",
        "+15550000008": "pending",
        "+15550000009": "pending",
      });
    },
  );

  it("delivers 500 leads with three workers, each exactly once", { timeout: 120_000 }, async () => {
    dialer.calls.length = 0;
    dialer.answer = () => ({ status: 200 });
    const campaign = await createCampaign(db);
    const phones = testPhones(500, 0, 646);
    await db.repos.leads.insertSkippingDuplicates(
      campaign,
      phones.map((phone) => newLead(phone)),
    );

    // Exactly once holds while no lease expires; a 3 s lease on a loaded machine can, and then a
    // hand-off is repeated by design (same Idempotency-Key). No worker dies here: a long lease.
    const longLease = { DISPATCH_LEASE_MS: "60000" };
    await Promise.all([startWorker(longLease), startWorker(longLease), startWorker(longLease)]);
    await waitFor(
      "every lead dispatched",
      async () => (await db.repos.leads.countByState(campaign._id)).dispatched === 500,
      90_000,
    );
    await stopWorkers();

    const keys = dialer.calls.map((call) => call.idempotencyKey);
    expect(keys).toHaveLength(500);
    expect(new Set(keys).size).toBe(500);
    expect(new Set(dialer.calls.map((call) => call.body.phoneNumber))).toEqual(new Set(phones));
  });

  it(
    "repeats the hand-offs of a worker killed mid-flight as the same attempt, with the same Idempotency-Key",
    { timeout: 60_000 },
    async () => {
      dialer.calls.length = 0;
      const campaign = await createCampaign(db);
      await db.repos.leads.insertSkippingDuplicates(
        campaign,
        testPhones(10, 0, 718).map((phone) => newLead(phone)),
      );
      // The first worker's hand-offs hang; it is killed while they do, long before its own 5 s
      // timeout could record a retry.
      dialer.answer = () => ({ status: 200, delayMs: 30_000 });
      const doomed = await startWorker({
        DISPATCH_CONCURRENCY: "2",
        DISPATCH_LEASE_MS: "5500",
        DISPATCH_TIMEOUT_MS: "5000",
      });
      await waitFor("two hand-offs in flight", () => dialer.calls.length >= 2);
      await doomed.stop("SIGKILL");
      workers.splice(workers.indexOf(doomed), 1);
      const inFlight = dialer.calls.map((call) => call.idempotencyKey);

      dialer.answer = () => ({ status: 200 });
      await startWorker();
      await waitFor(
        "every lead dispatched",
        async () => (await db.repos.leads.countByState(campaign._id)).dispatched === 10,
      );
      await stopWorkers();

      // Each hand-off that was in flight is repeated, later, as the same attempt with the same key:
      // the killed worker recorded nothing, so it is the same hand-off.
      expect(inFlight).toHaveLength(2);
      for (const key of inFlight) {
        const calls = dialer.calls.filter((call) => call.idempotencyKey === key);
        expect(calls.map((call) => call.body.attempt)).toEqual([1, 1]);
        expect(key).toBe(`${calls[0]!.body.leadId}:1`);
      }
      expect(new Set(dialer.calls.map((call) => call.idempotencyKey)).size).toBe(10);
      const stored = await leadsOf(db, campaign);
      expect(stored.map((lead) => [lead.state, lead.attempts])).toEqual(stored.map(() => ["dispatched", 1]));
    },
  );

  it(
    "retries failures with growing delays, honours Retry-After, and fails a lead at the campaign's maximum",
    { timeout: 60_000 },
    async () => {
      dialer.calls.length = 0;
      const campaign = await createCampaign(db, { maxAttempts: 4 });
      await db.repos.leads.insertSkippingDuplicates(campaign, [
        newLead("+12025550001"), // always 503
        newLead("+12025550002"), // 429 with Retry-After: 2 once, then accepted
        newLead("+12025550003"), // 422: the dialer refuses it
      ]);
      dialer.answer = (call) => {
        if (call.body.phoneNumber === "+12025550001") return { status: 503 };
        if (call.body.phoneNumber === "+12025550002")
          return call.body.attempt === 1 ? { status: 429, headers: { "Retry-After": "2" } } : { status: 200 };
        return { status: 422 };
      };
      await startWorker();
      const [down, limited, refused] = await leadsOf(db, campaign);
      await waitFor(
        "the failing lead to give up",
        async () => (await db.repos.leads.countByState(campaign._id)).failed === 2,
        40_000,
      );
      await waitFor(
        "the rate-limited lead to go through",
        async () => (await db.repos.leads.countByState(campaign._id)).dispatched === 1,
      );
      await stopWorkers();

      const downCalls = dialer.callsFor(down!._id.toHexString());
      expect(downCalls.map((call) => call.body.attempt)).toEqual([1, 2, 3, 4]);
      const gaps = downCalls.slice(1).map((call, i) => call.at - downCalls[i]!.at);
      expect(gaps[0]).toBeGreaterThanOrEqual(100);
      expect(gaps[2]).toBeGreaterThan(gaps[0]!);
      const stored = await db.repos.collections.leads.findOne({ _id: down!._id });
      expect(stored).toMatchObject({ state: "failed", attempts: 4 });
      // What the tenant sees is generic: the dialer's answer body stays in the worker's log.
      expect(stored?.lastError).toBe("dialer answered HTTP 503");

      const limitedCalls = dialer.callsFor(limited!._id.toHexString());
      expect(limitedCalls).toHaveLength(2);
      expect(limitedCalls[1]!.at - limitedCalls[0]!.at).toBeGreaterThanOrEqual(1900);

      expect(dialer.callsFor(refused!._id.toHexString())).toHaveLength(1);
      expect(await db.repos.collections.leads.findOne({ _id: refused!._id })).toMatchObject({
        state: "failed",
        lastError: "dialer answered HTTP 422",
      });
    },
  );

  it(
    "race: never hands off a number whose suppression was acknowledged while it waited",
    { timeout: 120_000 },
    async () => {
      dialer.calls.length = 0;
      dialer.answer = () => ({ status: 200 });
      const campaign = await createCampaign(db);
      const phones = testPhones(300, 0, 332);
      await db.repos.leads.insertSkippingDuplicates(
        campaign,
        phones.map((phone) => newLead(phone)),
      );
      // Every third number, in waves, while the worker dispatches. After each acknowledgement, the
      // leads still pending are the ones the guarantee covers: none of them may reach the dialer.
      const mustNotCall = new Set<string>();
      const targets = phones.filter((_, index) => index % 3 === 0);
      for (let wave = 0; wave < targets.length; wave += 10) {
        const numbers = targets.slice(wave, wave + 10);
        await db.repos.suppressions.add({
          accountId: campaign.accountId,
          campaignId: wave % 20 === 0 ? null : campaign._id,
          phoneNumbers: numbers,
          reason: `wave ${wave}`,
          source: "api",
        });
        const waiting = await db.repos.collections.leads
          .find({ campaignId: campaign._id, phoneNumber: { $in: numbers }, state: "pending" })
          .toArray();
        for (const lead of waiting) mustNotCall.add(lead.phoneNumber);
        // The first wave lands before the worker starts, so the check always has numbers to watch.
        if (wave === 0) await startWorker({ DISPATCH_CONCURRENCY: "2" });
      }
      await waitFor(
        "every lead handed off or suppressed",
        async () => {
          const byState = await db.repos.leads.countByState(campaign._id);
          return byState.dispatched + byState.suppressed === 300;
        },
        90_000,
      );
      await stopWorkers();

      expect(mustNotCall.size).toBeGreaterThanOrEqual(10);
      const called = new Set(dialer.calls.map((call) => call.body.phoneNumber));
      expect([...mustNotCall].filter((phone) => called.has(phone))).toEqual([]);
      const suppressed = await db.repos.collections.leads
        .find({ campaignId: campaign._id, state: "suppressed" })
        .toArray();
      expect(suppressed.map((lead) => lead.phoneNumber)).toEqual(expect.arrayContaining([...mustNotCall]));
      expect(
        suppressed.every((lead) => lead.suppressionReason?.startsWith("wave ") && !called.has(lead.phoneNumber)),
      ).toBe(true);
    },
  );
});

describe("graceful shutdown", () => {
  const db = useTestDatabase("dispatch_shutdown");
  const { dialer, start } = useDispatcherWorkers("node", db);

  it("finishes hand-offs in flight on SIGTERM before exiting", { timeout: 60_000 }, async () => {
    const account = await db.repos.accounts.create({ name: "shutdown" });
    const campaign = await db.repos.campaigns.create({ accountId: account._id, name: "shutdown" });
    await db.repos.leads.insertSkippingDuplicates(campaign, [newLead("+13055550001")]);
    dialer.answer = () => ({ status: 200, delayMs: 1000 });
    const worker = await start();
    await waitFor("the hand-off to start", () => dialer.calls.length === 1);
    expect(await worker.stop("SIGTERM")).toBe(0);
    const lead = await db.repos.collections.leads.findOne({ campaignId: new ObjectId(campaign._id) });
    expect(lead?.state).toBe("dispatched");
  });
});
