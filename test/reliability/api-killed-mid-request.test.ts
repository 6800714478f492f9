import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ObjectId, seedAccount } from "@leadline/db";
import { FaultProxy, startApiProcess, testPhones } from "@leadline/testkit";
import { postBulk } from "../support/api-server.ts";
import { useTestDatabase } from "../support/database.ts";

/**
 * The kill lands at a chosen point of the request, not by luck: the fault proxy
 * holds the database's answer to the command named by `marker`, so the
 * request is surely in flight there when the process dies: before the insert
 * was sent, or once the database has applied an insert command and answered.
 */
describe("the API process is SIGKILLed in the middle of a 1000-lead request", () => {
  const db = useTestDatabase("killed");
  let proxy: FaultProxy;

  beforeAll(async () => {
    proxy = FaultProxy.forMongoUri(db.uri);
    await proxy.start();
  });
  afterAll(() => proxy?.stop());

  async function killAt(marker: string, start: number) {
    const { apiKey, campaignId } = await seedAccount(db.repos);
    const env = { MONGODB_URI: proxy.rewrite(db.uri), MONGODB_DB: db.dbName };
    const leads = testPhones(1000, start, 303).map((phoneNumber, i) => ({ phoneNumber, externalId: `K-${i}` }));
    const api = await startApiProcess(env);
    const held = proxy.holdAnswerTo(marker);
    const inFlight = postBulk(api.url, apiKey, { campaignId, leads }).then(
      (response) => response.status,
      () => "connection lost" as const,
    );
    // Killed once the database has answered the held command, so what it applied is settled.
    await held.answered;
    await api.stop("SIGKILL");
    expect(await inFlight).toBe("connection lost");
    proxy.release();
    return { apiKey, campaignId, leads, env };
  }

  it(
    "after the database applied an insert command: the retry creates exactly what is missing and skips the rest",
    { timeout: 120_000 },
    async () => {
      const { apiKey, campaignId, leads, env } = await killAt("insert", 0);
      const campaign = new ObjectId(campaignId);
      // The driver splits a request into commands of the server's maxWriteBatchSize (on the
      // wire server: 999 leads, then 1), so the kill can leave part of the request stored.
      const storedBefore = await db.repos.collections.leads.find({ campaignId: campaign }).toArray();
      expect(storedBefore.length).toBeGreaterThan(0);
      expect(storedBefore.length).toBeLessThanOrEqual(1000);
      const storedPhones = new Set(storedBefore.map((lead) => lead.phoneNumber));

      const api = await startApiProcess(env);
      try {
        const retry = await postBulk(api.url, apiKey, { campaignId, leads });
        expect(retry.status).toBe(200);
        expect(retry.body.data).toMatchObject({
          created: 1000 - storedPhones.size,
          skipped: storedPhones.size,
          skippedPhones: leads.map((lead) => lead.phoneNumber).filter((phone) => storedPhones.has(phone)),
        });
        const createdNow = await db.repos.collections.leads
          .find({ campaignId: campaign, phoneNumber: { $nin: [...storedPhones] } })
          .sort({ _id: 1 })
          .toArray();
        expect(createdNow.map((lead) => lead._id.toHexString())).toEqual(retry.body.data.createdIds);
      } finally {
        await api.stop();
      }
      const stored = await db.repos.collections.leads.find({ campaignId: campaign }).toArray();
      expect(stored).toHaveLength(1000);
      expect(new Set(stored.map((lead) => lead.phoneNumber)).size).toBe(1000);
    },
  );

  it(
    "before the insert was sent: nothing is stored, and the retry creates all 1000",
    { timeout: 120_000 },
    async () => {
      // The campaign lookup comes just before the insert (a fresh process has nothing cached).
      const { apiKey, campaignId, leads, env } = await killAt("campaigns", 2000);
      const campaign = new ObjectId(campaignId);
      expect(await db.repos.leads.countByCampaign(campaign)).toBe(0);

      const api = await startApiProcess(env);
      try {
        const retry = await postBulk(api.url, apiKey, { campaignId, leads });
        expect(retry.status).toBe(200);
        expect(retry.body.data).toMatchObject({ created: 1000, skipped: 0, skippedPhones: [] });
        const stored = await db.repos.collections.leads.find({ campaignId: campaign }).sort({ _id: 1 }).toArray();
        expect(stored.map((lead) => lead._id.toHexString())).toEqual(retry.body.data.createdIds);
      } finally {
        await api.stop();
      }
    },
  );
});
