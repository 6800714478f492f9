import { describe, expect, it } from "vitest";
import { DEFAULT_CALLING_HOURS } from "@leadline/core";
import { CLAIM_INDEXES, CLAIM_SORT, claimFilter, ObjectId, seedAccount, type ClaimScope } from "@leadline/db";
import { EligibleCampaigns } from "@leadline/dispatcher";
import { postBulk, useApiServer } from "./support/api-server.ts";
import { useTestDatabase } from "./support/database.ts";
import { rest } from "./support/rest.ts";

/**
 * Whether `index` serves one branch of a query in the ESR order: the
 * branch's equality fields first (in any order among themselves), then the
 * sort, then its range fields, and nothing else in between.
 */
function indexServes(index: Record<string, 1 | -1>, branch: Record<string, unknown>, sort: Record<string, 1 | -1>) {
  const keys = Object.keys(index);
  const isRange = (value: unknown) =>
    typeof value === "object" &&
    value !== null &&
    Object.keys(value).some((op) => ["$lte", "$lt", "$gt", "$gte"].includes(op));
  const equality = Object.keys(branch).filter((field) => !isRange(branch[field]));
  const range = Object.keys(branch).filter((field) => isRange(branch[field]));
  const sortKeys = Object.keys(sort);
  const prefix = keys.slice(0, equality.length);
  const sortPart = keys.slice(equality.length, equality.length + sortKeys.length);
  const sortDirections = sortKeys.every((field) => index[field] === sort[field]);
  const rest = keys.slice(equality.length + sortKeys.length);
  return (
    [...prefix].sort().join() === [...equality].sort().join() &&
    sortPart.join() === sortKeys.join() &&
    sortDirections &&
    range.every((field) => rest.includes(field))
  );
}

describe("the claim stays one indexed query", () => {
  it("matches every $or branch to a declared index: equality fields, then the sort, then the range", () => {
    const scope: ClaimScope = {
      anyZone: [new ObjectId()],
      byZone: [{ campaignIds: [new ObjectId(), new ObjectId()], zoneKeys: ["America/New_York", ""] }],
    };
    const filter = claimFilter(scope, new Date("2026-06-01T14:30:00Z"))!;
    const branches = filter.$or as Record<string, unknown>[];
    expect(branches).toHaveLength(4);
    for (const branch of branches) {
      const served = Object.entries(CLAIM_INDEXES).filter(([, index]) => indexServes(index, branch, CLAIM_SORT));
      expect(
        served.map(([name]) => name),
        JSON.stringify(branch),
      ).toEqual(["zoneKey" in branch ? "dispatch_by_zone" : "dispatch_by_campaign"]);
    }
    // The check itself can fail: the old index, without campaign and zone key, serves no zone branch.
    expect(indexServes({ state: 1, priority: -1, scheduledFor: 1, _id: 1 }, branches[2]!, CLAIM_SORT)).toBe(false);
  });
});

describe("recipient-local calling hours, end to end with the clock injected", () => {
  const db = useTestDatabase("recipient_hours");
  const server = useApiServer(db, { BULK_RATE_LIMIT: "1000" });

  it("stores each lead's zones and claims only the leads whose every zone is inside 08:00-21:00", async () => {
    const { apiKey } = await seedAccount(db.repos);
    const created = await rest(server.url, apiKey, "POST", "/campaigns", { name: "default hours" });
    expect(created.body.data.callingHours).toEqual(DEFAULT_CALLING_HOURS);
    const anyTime = await rest(server.url, apiKey, "POST", "/campaigns", { name: "any time", callingHours: null });
    expect(anyTime.body.data.callingHours).toBeNull();
    const campaignId = created.body.data.id;
    const phones = {
      newYork: "+12125550100",
      california: "+14155550100",
      southDakota: "+16055550100",
      tollFree: "+18005550100",
      tokyoByChoice: "+12125550101",
    };
    const ingest = await postBulk(server.url, apiKey, {
      campaignId,
      leads: [
        { phoneNumber: phones.newYork },
        { phoneNumber: phones.california },
        { phoneNumber: phones.southDakota },
        { phoneNumber: phones.tollFree },
        { phoneNumber: phones.tokyoByChoice, timeZone: "Asia/Tokyo" },
      ],
    });
    expect(ingest.body.data.created).toBe(5);
    const listed = await rest(server.url, apiKey, "GET", `/campaigns/${campaignId}/leads`);
    const zones = Object.fromEntries(
      listed.body.data.leads.map((lead: { phoneNumber: string; zones: string[] }) => [lead.phoneNumber, lead.zones]),
    );
    expect(zones).toEqual({
      [phones.newYork]: ["America/New_York"],
      [phones.california]: ["America/Los_Angeles"],
      [phones.southDakota]: ["America/Denver", "America/North_Dakota/Center"],
      [phones.tollFree]: [],
      [phones.tokyoByChoice]: ["Asia/Tokyo"],
    });

    // Due since long before the injected clock, whatever the real one says.
    await db.repos.collections.leads.updateMany(
      { campaignId: new ObjectId(campaignId) },
      { $set: { nextAttemptAt: new Date("2020-01-01T00:00:00Z") } },
    );
    const eligible = new EligibleCampaigns(db.repos.campaigns, 60_000, db.repos.dispatchQueue);
    const claimAllAt = async (at: string) => {
      const now = new Date(at);
      const { scope } = await eligible.callableNow(now);
      const claimed: string[] = [];
      for (;;) {
        const [lead] = await db.repos.dispatchQueue.claimBatch({
          workerId: "t",
          scope,
          leaseMs: 3_600_000 * 24,
          now,
          limit: 1,
        });
        if (!lead) return claimed.sort();
        claimed.push(lead.phoneNumber);
      }
    };
    // 10:30 in New York and 08:30/09:30 in South Dakota; 07:30 in California; 23:30 in Tokyo.
    expect(await claimAllAt("2026-06-01T14:30:00Z")).toEqual(
      [phones.newYork, phones.southDakota, phones.tollFree].sort(),
    );
    // 08:00 in California.
    expect(await claimAllAt("2026-06-01T15:00:00Z")).toEqual([phones.california]);
    expect(await claimAllAt("2026-06-01T20:00:00Z")).toEqual([]);
    // 09:00 in Tokyo the next morning: its lead at last.
    expect(await claimAllAt("2026-06-02T00:00:00Z")).toEqual([phones.tokyoByChoice]);
  });
});
