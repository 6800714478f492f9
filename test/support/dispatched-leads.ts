import { ObjectId, seedAccount } from "@leadline/db";
import { testPhones } from "@leadline/testkit";
import { postBulk } from "./api-server.ts";
import type { TestDatabase } from "./database.ts";

/** An account with a campaign of `count` leads, each handed off once (attempt 1), and a dialer key. */
export async function dispatchedLeads(db: TestDatabase, url: string, count: number, offset: number) {
  const seeded = await seedAccount(db.repos);
  const campaignId = new ObjectId(seeded.campaignId);
  await postBulk(url, seeded.apiKey, {
    campaignId: seeded.campaignId,
    leads: testPhones(count, offset, 312).map((phoneNumber, i) => ({ phoneNumber, externalId: `crm-${offset + i}` })),
  });
  const claimed: string[] = [];
  for (;;) {
    const [lead] = await db.repos.dispatchQueue.claimBatch({
      workerId: "test",
      scope: { anyZone: [campaignId], byZone: [] },
      leaseMs: 60_000,
      now: new Date(),
      limit: 1,
    });
    if (!lead) break;
    claimed.push(lead._id.toHexString());
  }
  await db.repos.dispatchQueue.markManyDispatched(
    claimed.map((id) => new ObjectId(id)),
    "test",
  );
  const leads = await db.repos.collections.leads.find({ campaignId }).sort({ _id: 1 }).toArray();
  const dialer = await db.repos.apiKeys.create({
    accountId: new ObjectId(seeded.accountId),
    name: "dialer",
    scopes: ["dialer"],
  });
  return { ...seeded, leads, dialerKey: dialer.key };
}
