import { describe, expect, it } from "vitest";
import { ObjectId } from "@leadline/db";
import { useApiServer } from "../support/api-server.ts";
import { dispatchedLeads } from "../support/dispatched-leads.ts";
import { useTestDatabase } from "../support/database.ts";
import { rest } from "../support/rest.ts";

// Outcomes wrote their own copy of the lease-clearing update, and it had drifted: it left the batch
// claim's `leaseToken` on a lead whose hand-off had ended. Every transition now clears the lease
// from the lifecycle table's one list.
describe("an outcome for a lead still leased", () => {
  const db = useTestDatabase("issue_22_outcome_lease_token");
  const server = useApiServer(db);

  it("ends the whole lease: owner, expiry and the claim's token", async () => {
    const { leads, dialerKey } = await dispatchedLeads(db, server.url, 2, 0);
    const [busy, connected] = leads.map((lead) => lead._id.toHexString()) as [string, string];
    const report = (leadId: string, attempt: number, outcome: string) =>
      rest(server.url, dialerKey, "POST", "/outcomes", { outcomes: [{ leadId, attempt, outcome }] });
    expect((await report(busy, 1, "busy")).body.data.applied).toBe(1);
    // Claimed again once due: leased under a batch claim's token, its hand-off not yet recorded.
    const [claimed] = await db.repos.dispatchQueue.claimBatch({
      workerId: "w",
      scope: { anyZone: [leads[0]!.campaignId], byZone: [] },
      leaseMs: 60_000,
      now: new Date(Date.now() + 24 * 3_600_000),
      limit: 1,
    });
    expect(claimed).toMatchObject({ state: "dispatching", attempts: 2, leaseOwner: "w" });
    expect(claimed?.leaseToken).toEqual(expect.any(String));
    // The dialer reports the call before the worker records the hand-off.
    expect((await report(busy, 2, "connected")).body.data.applied).toBe(1);
    expect((await report(connected, 1, "connected")).body.data.applied).toBe(1);
    for (const id of [busy, connected]) {
      const stored = await db.repos.collections.leads.findOne({ _id: new ObjectId(id) });
      expect(stored?.state).toBe("completed");
      expect(stored).not.toHaveProperty("leaseOwner");
      expect(stored).not.toHaveProperty("leaseExpiresAt");
      expect(stored).not.toHaveProperty("leaseToken");
    }
  });
});
