import { describe, expect, it } from "vitest";
import { OUTCOME_HISTORY_LIMIT } from "@leadline/core";
import { useApiServer } from "../support/api-server.ts";
import { dispatchedLeads } from "../support/dispatched-leads.ts";
import { useTestDatabase } from "../support/database.ts";
import { rest } from "../support/rest.ts";

// Outcomes are kept with $push/$each/$slice; a server that ignores $slice (FerretDB 1.24 did)
// lets the history grow without bound, and nothing else would notice.
describe("a lead's outcome history", () => {
  const db = useTestDatabase("issue_22_outcome_history");
  const server = useApiServer(db);

  const report = (dialerKey: string, leadId: string, attempt: number, outcome: string) =>
    rest(server.url, dialerKey, "POST", "/outcomes", { outcomes: [{ leadId, attempt, outcome }] });

  it("keeps one entry per attempt through the API, up to its cap", async () => {
    const { leads, dialerKey, apiKey, campaignId } = await dispatchedLeads(db, server.url, 1, 0);
    const leadId = leads[0]!._id.toHexString();
    await rest(server.url, apiKey, "PATCH", `/campaigns/${campaignId}`, { maxAttempts: OUTCOME_HISTORY_LIMIT });
    for (let attempt = 1; attempt <= OUTCOME_HISTORY_LIMIT; attempt++) {
      if (attempt > 1) {
        // Claimed again once its retry is due, as the dispatcher would.
        const due = new Date(Date.now() + 2 * 24 * 3_600_000 * attempt);
        const [claimed] = await db.repos.dispatchQueue.claimBatch({
          workerId: "test",
          scope: { anyZone: [leads[0]!.campaignId], byZone: [] },
          leaseMs: 60_000,
          now: due,
          limit: 1,
        });
        expect(claimed?.attempts).toBe(attempt);
      }
      expect((await report(dialerKey, leadId, attempt, "no_answer")).body.data.applied).toBe(1);
    }
    const lead = (await rest(server.url, apiKey, "GET", `/leads/${leadId}`)).body.data;
    expect(lead.state).toBe("failed");
    expect(lead.outcomes.map((entry: { attempt: number }) => entry.attempt)).toEqual(
      Array.from({ length: OUTCOME_HISTORY_LIMIT }, (_, i) => i + 1),
    );
  });

  it("never holds more than its cap: an outcome past a full history drops the oldest entry", async () => {
    const { leads, dialerKey, apiKey } = await dispatchedLeads(db, server.url, 1, 100);
    const lead = leads[0]!;
    // A history already at the cap (attempts 1..20) on a lead at its 21st attempt, as a lead
    // re-leased after a worker died can be: the 21st outcome is one more than the cap.
    const now = new Date();
    const full = Array.from({ length: OUTCOME_HISTORY_LIMIT }, (_, i) => ({
      attempt: i + 1,
      outcome: "no_answer" as const,
      occurredAt: now,
      reportedAt: now,
    }));
    const attempt = OUTCOME_HISTORY_LIMIT + 1;
    await db.repos.collections.leads.updateOne({ _id: lead._id }, { $set: { attempts: attempt, outcomes: full } });

    expect((await report(dialerKey, lead._id.toHexString(), attempt, "busy")).body.data).toEqual({
      applied: 1,
      ignored: [],
    });
    const stored = (await rest(server.url, apiKey, "GET", `/leads/${lead._id.toHexString()}`)).body.data;
    expect(stored.outcomes).toHaveLength(OUTCOME_HISTORY_LIMIT);
    expect(stored.outcomes.map((entry: { attempt: number }) => entry.attempt)).toEqual(
      Array.from({ length: OUTCOME_HISTORY_LIMIT }, (_, i) => i + 2),
    );
    expect(stored.outcomes.at(-1)).toMatchObject({ attempt, outcome: "busy" });
  });
});
