import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ObjectId, seedAccount } from "@leadline/db";
import { FaultProxy, startApiProcess, testPhones, waitFor } from "@leadline/testkit";
import { postBulk } from "../support/api-server.ts";
import { useTestDatabase } from "../support/database.ts";

const KEY = { "Idempotency-Key": "crm-sync-batch-1" };

/**
 * The hard case of Idempotency-Key: the API dies after the database applied
 * the insert and before the answer was stored. The retry with the same key
 * must answer what the uninterrupted request would have.
 */
describe("the API is SIGKILLed between the insert and storing the answer; the retry has the same key", () => {
  const db = useTestDatabase("idempotency_crash");
  let proxy: FaultProxy;

  beforeAll(async () => {
    proxy = FaultProxy.forMongoUri(db.uri);
    await proxy.start();
  });
  afterAll(() => proxy?.stop());

  /** 1000 leads: 990 new, 5 stored earlier by another request, 5 repeated within the request. */
  async function scenario(label: string) {
    const { apiKey, campaignId } = await seedAccount(db.repos);
    const phones = testPhones(990, 0, 347);
    const leads = [
      ...phones.map((phoneNumber, i) => ({ phoneNumber, externalId: i === 0 ? `${label}-FIRST` : `${label}-${i}` })),
      ...phones.slice(10, 15).map((phoneNumber) => ({ phoneNumber })),
      ...testPhones(5, 5000, 347).map((phoneNumber) => ({ phoneNumber })),
    ];
    return { apiKey, campaignId, leads, earlier: testPhones(5, 5000, 347) };
  }

  it(
    "answers the uninterrupted request's created, skipped, createdIds and skippedPhones",
    { timeout: 180_000 },
    async () => {
      const env = { MONGODB_URI: proxy.rewrite(db.uri), MONGODB_DB: db.dbName, IDEMPOTENCY_LEASE_MS: "2000" };

      // The uninterrupted answer, for comparison: the same request in a campaign of its own.
      const twin = await scenario("TWIN");
      const crashed = await scenario("CRASH");
      const api = await startApiProcess(env);
      for (const run of [twin, crashed]) {
        const seeded = await postBulk(api.url, run.apiKey, {
          campaignId: run.campaignId,
          leads: run.earlier.map((phoneNumber) => ({ phoneNumber })),
        });
        expect(seeded.body.data.created).toBe(5);
      }
      const uninterrupted = await postBulk(
        api.url,
        twin.apiKey,
        { campaignId: twin.campaignId, leads: twin.leads },
        { headers: KEY },
      );
      expect(uninterrupted.status).toBe(200);

      // Held once the database has applied the first insert command, then killed.
      const held = proxy.holdAnswerTo("CRASH-FIRST");
      const lost = postBulk(
        api.url,
        crashed.apiKey,
        { campaignId: crashed.campaignId, leads: crashed.leads },
        { headers: KEY },
      ).then(
        () => "answered" as const,
        () => "connection lost" as const,
      );
      await held.answered;
      await api.stop("SIGKILL");
      expect(await lost).toBe("connection lost");
      proxy.release();
      const campaign = new ObjectId(crashed.campaignId);
      const storedBefore = await db.repos.collections.leads.countDocuments({ campaignId: campaign });
      const record = await db.repos.collections.idempotencyRecords.findOne({
        key: KEY["Idempotency-Key"],
        state: "running",
      });
      expect(record).not.toBeNull();

      const restarted = await startApiProcess(env);
      try {
        // Until the dead request's lease lapses the key is still running: 409 with Retry-After.
        let retry = await postBulk(
          restarted.url,
          crashed.apiKey,
          { campaignId: crashed.campaignId, leads: crashed.leads },
          { headers: KEY },
        );
        const statuses = [retry.status];
        await waitFor("the dead request's lease to lapse", async () => {
          if (retry.status !== 409) return true;
          retry = await postBulk(
            restarted.url,
            crashed.apiKey,
            { campaignId: crashed.campaignId, leads: crashed.leads },
            { headers: KEY },
          );
          statuses.push(retry.status);
          return false;
        });
        expect(statuses.every((status) => status === 409 || status === 200)).toBe(true);
        expect(retry.status).toBe(200);
        expect(retry.headers.get("Idempotent-Replayed")).toBeNull();

        // Same counts and phones as the uninterrupted run; ids are the leads stored in this campaign, in input order.
        const expected = uninterrupted.body.data;
        expect(retry.body.data).toMatchObject({
          created: expected.created,
          skipped: expected.skipped,
          skippedPhones: expected.skippedPhones,
        });
        expect(expected).toMatchObject({ created: 990, skipped: 10 });
        const stored = await db.repos.collections.leads.find({ campaignId: campaign }).toArray();
        const idByPhone = new Map(stored.map((lead) => [lead.phoneNumber, lead._id.toHexString()]));
        const firstOccurrences = [...new Set(crashed.leads.map((lead) => lead.phoneNumber))].filter(
          (phone) => !crashed.earlier.includes(phone),
        );
        expect(retry.body.data.createdIds).toEqual(firstOccurrences.map((phone) => idByPhone.get(phone)));
        expect(stored).toHaveLength(995);

        // The retry's answer is now the key's answer.
        const replay = await postBulk(
          restarted.url,
          crashed.apiKey,
          { campaignId: crashed.campaignId, leads: crashed.leads },
          { headers: KEY },
        );
        expect(replay.body).toEqual(retry.body);
        expect(replay.headers.get("Idempotent-Replayed")).toBe("true");
        console.info(
          `crash retry: ${storedBefore} of 995 leads stored before the kill; retry after ${statuses.length - 1} × 409; ` +
            `answered created ${retry.body.data.created}, skipped ${retry.body.data.skipped}, as uninterrupted`,
        );
      } finally {
        await restarted.stop();
      }
    },
  );
});
