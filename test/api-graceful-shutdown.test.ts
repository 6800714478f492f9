import { describe, expect, it } from "vitest";
import { ObjectId, seedAccount } from "@leadline/db";
import { startApiProcess, testPhones } from "@leadline/testkit";
import { postBulk } from "./support/api-server.ts";
import { useTestDatabase } from "./support/database.ts";

describe("API shutdown on SIGTERM", () => {
  const db = useTestDatabase("api_shutdown");

  it("finishes requests in flight, then stops accepting and exits 0", { timeout: 60_000 }, async () => {
    const { apiKey, campaignId } = await seedAccount(db.repos);
    const api = await startApiProcess({ MONGODB_URI: db.uri, MONGODB_DB: db.dbName });
    const leads = testPhones(1000, 0, 404).map((phoneNumber) => ({ phoneNumber }));
    const inFlight = postBulk(api.url, apiKey, { campaignId, leads });
    // Signal as soon as the insert has begun, so that the request is surely in flight.
    const deadline = Date.now() + 5000;
    while (Date.now() < deadline && (await db.repos.leads.countByCampaign(new ObjectId(campaignId))) === 0) {
      await new Promise((resolve) => setTimeout(resolve, 1));
    }
    const exited = api.stop("SIGTERM");
    const response = await inFlight;
    expect(response.status).toBe(200);
    expect(response.body.data.created).toBe(1000);
    expect(await exited).toBe(0);
    expect(api.logs.join("\n")).toMatch(/"msg":"stopped"/);
    await expect(fetch(`${api.url}/healthz`)).rejects.toThrow();
  });
});
