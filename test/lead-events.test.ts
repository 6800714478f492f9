import { describe, expect, it } from "vitest";
import { ObjectId, type OutboxEventDoc } from "@leadline/db";
import { testPhones, waitFor } from "@leadline/testkit";
import { useApiServer } from "./support/api-server.ts";
import { useTestDatabase, type TestDatabase } from "./support/database.ts";
import { dispatchedLeads } from "./support/dispatched-leads.ts";
import { newLead } from "./support/new-lead.ts";
import { rest } from "./support/rest.ts";
import { useDispatcherWorkers } from "./support/dispatcher-workers.ts";
import type { WorkerRuntime } from "./support/worker-process.ts";

const eventsOf = (db: TestDatabase, leadId: string): Promise<OutboxEventDoc[]> =>
  db.repos.collections.outboxEvents.find({ "payload.lead.id": leadId }).toArray();

describe("lead events from call outcomes", () => {
  const db = useTestDatabase("lead_events_outcomes");
  const server = useApiServer(db, { BULK_RATE_LIMIT: "1000" });

  it("connected: exactly one lead.completed, even when the outcome is reported twice concurrently", async () => {
    const { leads, dialerKey, campaignId, accountId } = await dispatchedLeads(db, server.url, 1, 0);
    const leadId = leads[0]!._id.toHexString();
    const report = () =>
      rest(server.url, dialerKey, "POST", "/outcomes", {
        outcomes: [{ leadId, attempt: 1, outcome: "connected" }],
      });
    const answers = await Promise.all([report(), report(), report()]);
    expect(answers.map((answer) => answer.body.data.applied).sort()).toEqual([0, 0, 1]);
    const events = await eventsOf(db, leadId);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      _id: `lead.completed:${leadId}:1`,
      accountId: new ObjectId(accountId),
      type: "lead.completed",
      payload: {
        lead: {
          id: leadId,
          campaignId,
          phoneNumber: testPhones(1, 0, 312)[0],
          state: "completed",
          lastOutcome: "connected",
          attempts: 1,
          reason: null,
          error: null,
          externalId: "crm-0",
        },
      },
    });
  });

  it("opted_out sends lead.suppressed, a last attempt's failure lead.failed, a retry nothing", async () => {
    const { leads, dialerKey, apiKey, campaignId } = await dispatchedLeads(db, server.url, 3, 10);
    const [optedOut, lastTry, retried] = leads.map((lead) => lead._id.toHexString()) as [string, string, string];
    await rest(server.url, apiKey, "PATCH", `/campaigns/${campaignId}`, { maxAttempts: 2 });
    await db.repos.collections.leads.updateOne({ _id: new ObjectId(lastTry) }, { $set: { attempts: 2 } });
    const report = await rest(server.url, dialerKey, "POST", "/outcomes", {
      outcomes: [
        { leadId: optedOut, attempt: 1, outcome: "opted_out" },
        { leadId: lastTry, attempt: 2, outcome: "no_answer" },
        { leadId: retried, attempt: 1, outcome: "no_answer" },
      ],
    });
    expect(report.body.data.applied).toBe(3);
    expect(await eventsOf(db, optedOut)).toMatchObject([
      {
        _id: `lead.suppressed:${optedOut}:1`,
        type: "lead.suppressed",
        payload: { lead: { state: "suppressed", lastOutcome: "opted_out", reason: "opted out on a call" } },
      },
    ]);
    expect(await eventsOf(db, lastTry)).toMatchObject([
      {
        _id: `lead.failed:${lastTry}:2`,
        type: "lead.failed",
        payload: { lead: { state: "failed", lastOutcome: "no_answer", attempts: 2 } },
      },
    ]);
    expect(await eventsOf(db, retried)).toEqual([]);
  });

  it("a transition whose outbox write was cut off is recovered once, and a lost race sends nothing", async () => {
    const { leads, dialerKey } = await dispatchedLeads(db, server.url, 2, 20);
    const [cutOff, lost] = leads.map((lead) => lead._id.toHexString()) as [string, string];
    await rest(server.url, dialerKey, "POST", "/outcomes", {
      outcomes: [{ leadId: cutOff, attempt: 1, outcome: "connected" }],
    });
    // As if the process died between the lead's update and the outbox insert.
    await db.repos.collections.outboxEvents.deleteOne({ _id: `lead.completed:${cutOff}:1` });
    expect(await db.repos.leadEvents.recoverPending(new Date())).toBe(0); // not yet a minute old
    const later = new Date(Date.now() + 2 * 60_000);
    expect(await db.repos.leadEvents.recoverPending(later)).toBeGreaterThanOrEqual(1);
    expect(await eventsOf(db, cutOff)).toMatchObject([{ _id: `lead.completed:${cutOff}:1`, type: "lead.completed" }]);
    expect((await db.repos.collections.leads.findOne({ _id: new ObjectId(cutOff) }))?.pendingEvent).toBeUndefined();
    await db.repos.leadEvents.recoverPending(later);
    expect(await eventsOf(db, cutOff)).toHaveLength(1);

    // A worker that lost its lease does not suppress the lead, and sends no event for it.
    const lead = (await db.repos.collections.leads.findOne({ _id: new ObjectId(lost) }))!;
    expect(await db.repos.dispatchQueue.markSuppressed({ ...lead, state: "dispatching" }, "gone", "x")).toBe(false);
    expect(await db.repos.dispatchQueue.markFailed({ ...lead, state: "dispatching" }, "gone", "x")).toBe(false);
    expect(await eventsOf(db, lost)).toEqual([]);
  });
});

describe.each<WorkerRuntime>(["node", "deno"])("lead events from the dispatcher under %s", (runtime) => {
  const db = useTestDatabase(`lead_events_dispatch_${runtime}`);
  const { dialer, start } = useDispatcherWorkers(runtime, db);

  it(
    "suppression at claim sends lead.suppressed, a rejected hand-off lead.failed, a delivered one nothing",
    { timeout: 60_000 },
    async () => {
      const account = await db.repos.accounts.create({ name: "events" });
      const campaign = await db.repos.campaigns.create({ accountId: account._id, name: "events" });
      const [suppressedPhone, rejectedPhone, deliveredPhone] = testPhones(3, 0, 416) as [string, string, string];
      await db.repos.leads.insertSkippingDuplicates(campaign, [
        newLead(suppressedPhone, { externalId: "s" }),
        newLead(rejectedPhone),
        newLead(deliveredPhone),
      ]);
      await db.repos.suppressions.add({
        accountId: account._id,
        campaignId: null,
        phoneNumbers: [suppressedPhone],
        reason: "asked not to be called",
        source: "api",
      });
      dialer.answer = (call) => (call.body.phoneNumber === rejectedPhone ? { status: 400 } : { status: 200 });
      await start();
      const leads = await db.repos.collections.leads.find({ campaignId: campaign._id }).toArray();
      const idOf = (phone: string) => leads.find((lead) => lead.phoneNumber === phone)!._id.toHexString();
      await waitFor("every lead to leave the queue", async () => {
        const states = await db.repos.collections.leads.distinct("state", { campaignId: campaign._id });
        return !states.includes("pending") && !states.includes("dispatching");
      });
      expect(await eventsOf(db, idOf(suppressedPhone))).toMatchObject([
        {
          _id: `lead.suppressed:${idOf(suppressedPhone)}:1`,
          type: "lead.suppressed",
          payload: {
            lead: {
              state: "suppressed",
              attempts: 0,
              reason: "asked not to be called",
              externalId: "s",
              lastOutcome: null,
            },
          },
        },
      ]);
      expect(await eventsOf(db, idOf(rejectedPhone))).toMatchObject([
        {
          _id: `lead.failed:${idOf(rejectedPhone)}:1`,
          type: "lead.failed",
          payload: { lead: { state: "failed", attempts: 1, error: expect.any(String), externalId: null } },
        },
      ]);
      expect(await eventsOf(db, idOf(deliveredPhone))).toEqual([]);
    },
  );
});
