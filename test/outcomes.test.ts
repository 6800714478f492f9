import { describe, expect, it } from "vitest";
import { createLeadlineClient } from "@leadline/client";
import { ObjectId } from "@leadline/db";
import { API_RUNTIMES, postBulk, useApiServer } from "./support/api-server.ts";
import { dispatchedLeads } from "./support/dispatched-leads.ts";
import { useTestDatabase } from "./support/database.ts";
import { rest } from "./support/rest.ts";

describe.each(API_RUNTIMES)("call outcomes (%s)", (runtime) => {
  const db = useTestDatabase(`outcomes_${runtime}`);
  const server = useApiServer(db, { BULK_RATE_LIMIT: "1000" }, runtime);

  it("moves each lead as its outcome says, idempotently by (leadId, attempt), and says why it ignored the rest", async () => {
    const { leads, dialerKey, apiKey, campaignId, accountId } = await dispatchedLeads(db, server.url, 5, 0);
    const [connected, noAnswer, optedOut, invalid, busy] = leads.map((lead) => lead._id.toHexString());
    const before = Date.now();
    const report = await rest(server.url, dialerKey, "POST", "/outcomes", {
      outcomes: [
        { leadId: connected, attempt: 1, outcome: "connected", durationSeconds: 95, details: "sale" },
        { leadId: noAnswer, attempt: 1, outcome: "no_answer" },
        { leadId: optedOut, attempt: 1, outcome: "opted_out" },
        { leadId: invalid, attempt: 1, outcome: "invalid_number" },
        { leadId: connected, attempt: 1, outcome: "connected" },
        { leadId: busy, attempt: 2, outcome: "busy" },
        { leadId: "0123456789abcdef01234567", attempt: 1, outcome: "busy" },
        { leadId: "not-an-id", attempt: 1, outcome: "busy" },
      ],
    });
    expect(report).toEqual({
      status: 200,
      body: {
        success: true,
        error: null,
        data: {
          applied: 4,
          ignored: [
            { index: 4, leadId: connected, reason: "duplicate" },
            { index: 5, leadId: busy, reason: "stale_attempt" },
            { index: 6, leadId: "0123456789abcdef01234567", reason: "not_found" },
            { index: 7, leadId: "not-an-id", reason: "not_found" },
          ],
        },
      },
    });
    const view = async (id: string) => (await rest(server.url, apiKey, "GET", `/leads/${id}`)).body.data;
    expect(await view(connected!)).toMatchObject({
      state: "completed",
      lastOutcome: "connected",
      completedAt: expect.any(String),
      outcomes: [{ attempt: 1, outcome: "connected", durationSeconds: 95, details: "sale" }],
    });
    const retried = await view(noAnswer!);
    expect(retried).toMatchObject({ state: "pending", lastOutcome: "no_answer", attempts: 1 });
    expect(Date.parse(retried.nextAttemptAt)).toBeGreaterThanOrEqual(before + 240 * 60_000);
    expect(await view(optedOut!)).toMatchObject({ state: "suppressed", suppressionReason: "opted out on a call" });
    expect(await view(invalid!)).toMatchObject({ state: "failed", lastOutcome: "invalid_number" });

    const check = await rest(
      server.url,
      apiKey,
      "GET",
      `/suppressions/check?phoneNumber=${encodeURIComponent(leads[2]!.phoneNumber)}`,
    );
    expect(check.body.data).toMatchObject({ suppressed: true, entries: [{ campaignId: null, source: "outcome" }] });
    const other = await db.repos.campaigns.create({ accountId: new ObjectId(accountId), name: "another" });
    const ingest = await postBulk(server.url, apiKey, {
      campaignId: other._id.toHexString(),
      leads: [{ phoneNumber: leads[2]!.phoneNumber }],
    });
    expect(ingest.body.data.suppressedPhones).toEqual([leads[2]!.phoneNumber]);

    const stats = await rest(server.url, apiKey, "GET", `/campaigns/${campaignId}/stats`);
    expect(stats.body.data).toMatchObject({
      byState: { completed: 1, pending: 1, suppressed: 1, failed: 1, dispatched: 1 },
      byLastOutcome: { connected: 1, no_answer: 1, opted_out: 1, invalid_number: 1, busy: 0 },
    });
  });

  it("retries after the campaign's PATCHed delay, and fails a lead whose last attempt got no answer", async () => {
    const { leads, dialerKey, apiKey, campaignId } = await dispatchedLeads(db, server.url, 2, 100);
    const patched = await rest(server.url, apiKey, "PATCH", `/campaigns/${campaignId}`, {
      retryPolicy: { busy: 5 },
      maxAttempts: 2,
    });
    expect(patched.body.data.retryPolicy).toEqual({ no_answer: 240, busy: 5, voicemail: 1440, failed: 60 });
    await db.repos.collections.leads.updateOne({ _id: leads[1]!._id }, { $set: { attempts: 2 } });
    const before = Date.now();
    const client = createLeadlineClient({ url: server.url, apiKey: dialerKey });
    const result = await client.outcomes.report.mutate({
      outcomes: [
        { leadId: leads[0]!._id.toHexString(), attempt: 1, outcome: "busy" },
        { leadId: leads[1]!._id.toHexString(), attempt: 2, outcome: "voicemail" },
      ],
    });
    expect(result.data).toEqual({ applied: 2, ignored: [] });
    const [first, second] = await db.repos.collections.leads
      .find({ campaignId: new ObjectId(campaignId) })
      .sort({ _id: 1 })
      .toArray();
    expect(first).toMatchObject({ state: "pending" });
    expect(first!.nextAttemptAt.getTime()).toBeGreaterThanOrEqual(before + 5 * 60_000);
    expect(first!.nextAttemptAt.getTime()).toBeLessThan(before + 240 * 60_000);
    expect(second).toMatchObject({ state: "failed", lastOutcome: "voicemail" });
  });

  it("takes outcomes only from a dialer key, and 400s a bad report", async () => {
    const { apiKey, dialerKey } = await dispatchedLeads(db, server.url, 1, 200);
    const refused = await rest(server.url, apiKey, "POST", "/outcomes", {
      outcomes: [{ leadId: "0123456789abcdef01234567", attempt: 1, outcome: "busy" }],
    });
    expect(refused).toEqual({
      status: 403,
      body: { success: false, data: null, error: 'This API key lacks the "dialer" scope' },
    });
    const bad = await rest(server.url, dialerKey, "POST", "/outcomes", {
      outcomes: [{ leadId: "x", attempt: 0, outcome: "hung_up" }],
    });
    expect(bad.status).toBe(400);
    expect(bad.body.issues.map((issue: { path: string }) => issue.path)).toEqual([
      "outcomes[0].attempt",
      "outcomes[0].outcome",
    ]);
    const empty = await rest(server.url, dialerKey, "POST", "/outcomes", { outcomes: [] });
    expect(empty.body.error).toBe("outcomes array cannot be empty");
  });
});
