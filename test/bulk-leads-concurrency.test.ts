import { describe, expect, it } from "vitest";
import { ObjectId, seedAccount } from "@leadline/db";
import { postBulk, useApiServer } from "./support/api-server.ts";
import { testPhones } from "@leadline/testkit";
import { useTestDatabase } from "./support/database.ts";

describe("concurrent bulk requests sharing phones", () => {
  const db = useTestDatabase("concurrency");
  const server = useApiServer(db, { BULK_RATE_LIMIT: "1000" });

  it("store each phone exactly once, and their created counts add up to the distinct phones", async () => {
    const { apiKey, campaignId } = await seedAccount(db.repos);
    const pool = testPhones(300, 0, 646);
    // 12 requests of 150 leads, each a different overlapping window of the pool.
    const requests = Array.from({ length: 12 }, (_, i) => {
      const start = (i * 25) % 200;
      return pool.slice(start, start + 150).map((phoneNumber) => ({ phoneNumber }));
    });
    const distinct = new Set(requests.flat().map((lead) => lead.phoneNumber));
    const responses = await Promise.all(requests.map((leads) => postBulk(server.url, apiKey, { campaignId, leads })));

    for (const [i, response] of responses.entries()) {
      expect(response.status).toBe(200);
      expect(response.body.data.created + response.body.data.skipped).toBe(requests[i]!.length);
      expect(response.body.data.createdIds).toHaveLength(response.body.data.created);
    }
    const totalCreated = responses.reduce((sum, response) => sum + response.body.data.created, 0);
    expect(totalCreated).toBe(distinct.size);

    const stored = await db.repos.collections.leads.find({ campaignId: new ObjectId(campaignId) }).toArray();
    expect(stored).toHaveLength(distinct.size);
    expect(new Set(stored.map((lead) => lead.phoneNumber))).toEqual(distinct);
    const allCreatedIds = responses.flatMap((response) => response.body.data.createdIds as string[]);
    expect(new Set(allCreatedIds)).toEqual(new Set(stored.map((lead) => lead._id.toHexString())));
  });
});
