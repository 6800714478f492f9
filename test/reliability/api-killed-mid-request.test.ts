import { describe, expect, it } from "vitest";
import { ObjectId, seedAccount } from "@leadline/db";
import { startApiProcess, testPhones } from "@leadline/testkit";
import { postBulk } from "../support/api-server.ts";
import { useTestDatabase } from "../support/database.ts";

describe("the API process is killed in the middle of a 1000-lead request", () => {
  const db = useTestDatabase("killed");

  it("leaves every lead stored exactly once after a restart and a retry", { timeout: 120_000 }, async () => {
    const { apiKey, campaignId } = await seedAccount(db.repos);
    const env = { MONGODB_URI: db.uri, MONGODB_DB: db.dbName };
    const leads = testPhones(1000, 0, 303).map((phoneNumber, i) => ({ phoneNumber, externalId: `K-${i}` }));
    const campaign = new ObjectId(campaignId);

    const first = await startApiProcess(env);
    const inFlight = postBulk(first.url, apiKey, { campaignId, leads }).then(
      (response) => response.status,
      () => "connection lost" as const,
    );
    // Kill it once the insert has begun, or after a moment if it is quicker than the poll.
    const deadline = Date.now() + 2000;
    while (Date.now() < deadline && (await db.repos.leads.countByCampaign(campaign)) === 0)
      await new Promise((r) => setTimeout(r, 2));
    await first.stop("SIGKILL");
    const outcome = await inFlight;
    const storedBeforeRetry = await db.repos.leads.countByCampaign(campaign);

    const second = await startApiProcess(env);
    try {
      const retry = await postBulk(second.url, apiKey, { campaignId, leads });
      expect(retry.status).toBe(200);
      expect(retry.body.data.created + retry.body.data.skipped).toBe(1000);
      expect(retry.body.data.skipped).toBe(storedBeforeRetry);
      const stored = await db.repos.collections.leads.find({ campaignId: campaign }).toArray();
      expect(stored).toHaveLength(1000);
      expect(new Set(stored.map((lead) => lead.phoneNumber)).size).toBe(1000);
      expect(["connection lost", 200]).toContain(outcome);
    } finally {
      await second.stop();
    }
  });
});
