import { describe, expect, it } from "vitest";
import { ObjectId, type CampaignDoc } from "@leadline/db";
import { testPhones } from "@leadline/testkit";
import { useTestDatabase } from "./support/database.ts";
import { newLead } from "./support/new-lead.ts";

const lead = (phoneNumber: string) => newLead(phoneNumber);

describe("leads marked with the request that stored them (Idempotency-Key's crash case)", () => {
  const db = useTestDatabase("request_marker");

  async function campaign(): Promise<CampaignDoc> {
    const account = await db.repos.accounts.create({ name: "marker" });
    return db.repos.campaigns.create({ accountId: account._id, name: "marker" });
  }

  it("a retry counts its own earlier leads as created, with their ids, while another key's request races it", async () => {
    for (let round = 0; round < 20; round++) {
      const target = await campaign();
      const phones = testPhones(60, round * 100, 415);
      const request = new ObjectId();
      // The crashed attempt stored the first half; the retry sends all, the first phone twice.
      const crashed = await db.repos.leads.insertSkippingDuplicates(target, phones.slice(0, 30).map(lead), {
        createdByRequest: request,
      });
      const retryLeads = [...phones, phones[0]!].map(lead);
      const otherLeads = phones.slice(20, 50).map(lead);
      const [retry, other] = await Promise.all([
        db.repos.leads.insertSkippingDuplicates(target, retryLeads, { createdByRequest: request }),
        db.repos.leads.insertSkippingDuplicates(target, otherLeads, { createdByRequest: new ObjectId() }),
      ]);

      // Everything the crashed attempt stored is the retry's, at its first index, with the stored id.
      expect(retry.createdIds.slice(0, 30)).toEqual(crashed.createdIds);
      expect(other.createdIds.filter((id) => crashed.createdIds.includes(id))).toEqual([]);
      // Each stored lead is reported created by exactly one of the two racing requests.
      const stored = await db.repos.collections.leads.find({ campaignId: target._id }).toArray();
      expect(stored).toHaveLength(60);
      expect([...retry.createdIds, ...other.createdIds].sort()).toEqual(stored.map((l) => l._id.toHexString()).sort());
      expect(retry.created + retry.skipped).toBe(61);
      expect(retry.skippedPhones.at(-1)).toBe(phones[0]);
      expect(other.created + other.skipped).toBe(30);
    }
  });

  it("without a marker, the bulk path is unchanged: an earlier lead is a duplicate", async () => {
    const target = await campaign();
    const [phone] = testPhones(1, 9000, 415);
    await db.repos.leads.insertSkippingDuplicates(target, [lead(phone!)], { createdByRequest: new ObjectId() });
    const again = await db.repos.leads.insertSkippingDuplicates(target, [lead(phone!)]);
    expect(again).toEqual({
      created: 0,
      skipped: 1,
      createdIds: [],
      skippedPhones: [phone],
      suppressedPhones: [],
      outcomes: [{ status: "duplicate" }],
    });
  });
});
