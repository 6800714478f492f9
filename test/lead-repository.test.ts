import { describe, expect, it } from "vitest";
import { ObjectId, seedAccount } from "@leadline/db";
import type { TestRepositories } from "@leadline/testkit";
import { useTestDatabase } from "./support/database.ts";
import { newLead } from "./support/new-lead.ts";

async function seedCampaign(repos: TestRepositories, name = "Test") {
  const seeded = await seedAccount(repos, { account: name });
  const campaign = await repos.collections.campaigns.findOne({ _id: new ObjectId(seeded.campaignId) });
  if (!campaign) throw new Error("seeded campaign missing");
  return { ...seeded, campaign };
}

const lead = (phoneNumber: string) => newLead(phoneNumber);

describe("lead repository on a MongoDB wire server", () => {
  const db = useTestDatabase("lead_repository");

  it("skips phones already stored and repeated within the batch, in input order", async () => {
    const { campaign } = await seedCampaign(db.repos);
    const first = await db.repos.leads.insertSkippingDuplicates(campaign, [lead("+15555550001"), lead("+15555550002")]);
    expect(first.created).toBe(2);

    const second = await db.repos.leads.insertSkippingDuplicates(campaign, [
      lead("+15555550003"),
      lead("+15555550001"),
      lead("+15555550004"),
      lead("+15555550003"),
      lead("+15555550002"),
    ]);
    expect(second).toMatchObject({
      created: 2,
      skipped: 3,
      skippedPhones: ["+15555550001", "+15555550003", "+15555550002"],
    });
    expect(second.createdIds).toHaveLength(2);
    expect(await db.repos.leads.countByCampaign(campaign._id)).toBe(4);

    const stored = await db.repos.collections.leads
      .find({ campaignId: campaign._id }, { projection: { _id: 1, phoneNumber: 1 } })
      .toArray();
    const storedIds = new Map(stored.map((doc) => [doc._id.toHexString(), doc.phoneNumber]));
    expect(second.createdIds.map((id) => storedIds.get(id))).toEqual(["+15555550003", "+15555550004"]);
  });

  it("keeps campaigns apart: the same phone in two campaigns is two leads", async () => {
    const a = await seedCampaign(db.repos, "A");
    const b = await seedCampaign(db.repos, "B");
    expect((await db.repos.leads.insertSkippingDuplicates(a.campaign, [lead("+15555550009")])).created).toBe(1);
    expect((await db.repos.leads.insertSkippingDuplicates(b.campaign, [lead("+15555550009")])).created).toBe(1);
  });

  it("stores API keys hashed and finds them by the plain key", async () => {
    const { apiKey, accountId } = await seedAccount(db.repos);
    const found = await db.repos.apiKeys.findActiveByKey(apiKey);
    expect(found?.accountId.toHexString()).toBe(accountId);
    expect(JSON.stringify(await db.repos.collections.apiKeys.find().toArray())).not.toContain(apiKey);
    expect(await db.repos.apiKeys.findActiveByKey(`${apiKey}x`)).toBeNull();
  });
});
