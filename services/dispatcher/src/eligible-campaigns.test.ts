import { describe, expect, it } from "vitest";
import { DEFAULT_CALLING_HOURS, type CallingHours } from "@leadline/core";
import { ObjectId, type CampaignDoc } from "@leadline/db/dispatch";
import { claimScopeAt } from "./eligible-campaigns.ts";

function campaign(callingHours: CallingHours | null): CampaignDoc {
  const now = new Date();
  return {
    _id: new ObjectId(),
    accountId: new ObjectId(),
    name: "zones",
    status: "active",
    callingHours,
    maxAttempts: 3,
    createdAt: now,
    updatedAt: now,
  };
}

const NEW_YORK = "America/New_York";
const LOS_ANGELES = "America/Los_Angeles";
// +1 605 in libphonenumber's data: Mountain and Central time.
const SOUTH_DAKOTA = "America/Denver|America/North_Dakota/Center";
const TOKYO = "Asia/Tokyo";
const FALLBACK = "";
const KEYS = [NEW_YORK, LOS_ANGELES, SOUTH_DAKOTA, TOKYO, FALLBACK];

const openKeys = (hours: CallingHours, at: string) => {
  const { scope } = claimScopeAt([campaign(hours)], KEYS, new Date(at));
  return scope.byZone.flatMap((group) => group.zoneKeys);
};

describe("recipient-local calling hours (08:00-21:00 every day, fallback New York)", () => {
  it("follows each zone's daylight saving time: 12:30 UTC is 07:30 in New York on 7 March 2026, 08:30 on 8 March", () => {
    expect(openKeys(DEFAULT_CALLING_HOURS, "2026-03-07T12:30:00Z")).not.toContain(NEW_YORK);
    expect(openKeys(DEFAULT_CALLING_HOURS, "2026-03-08T12:30:00Z")).toContain(NEW_YORK);
  });

  it("holds California until its own 8 a.m., three hours after New York's", () => {
    expect(openKeys(DEFAULT_CALLING_HOURS, "2026-06-01T14:59:00Z")).toEqual([NEW_YORK, SOUTH_DAKOTA, FALLBACK]);
    expect(openKeys(DEFAULT_CALLING_HOURS, "2026-06-01T15:00:00Z")).toEqual([
      NEW_YORK,
      LOS_ANGELES,
      SOUTH_DAKOTA,
      FALLBACK,
    ]);
  });

  it("calls a number in two zones only when both are open: 08:30 in Chicago is 07:30 in Denver", () => {
    expect(openKeys(DEFAULT_CALLING_HOURS, "2026-06-01T13:30:00Z")).toEqual([NEW_YORK, FALLBACK]);
    expect(openKeys(DEFAULT_CALLING_HOURS, "2026-06-01T14:00:00Z")).toContain(SOUTH_DAKOTA);
    // 20:30 in Denver is 21:30 in Central time: closed.
    expect(openKeys(DEFAULT_CALLING_HOURS, "2026-06-02T02:30:00Z")).not.toContain(SOUTH_DAKOTA);
  });

  it("reads leads of unknown zone in the fallback zone, which the campaign decides", () => {
    const inLosAngeles = { ...DEFAULT_CALLING_HOURS, fallbackTimeZone: LOS_ANGELES };
    expect(openKeys(DEFAULT_CALLING_HOURS, "2026-06-01T13:00:00Z")).toContain(FALLBACK);
    expect(openKeys(inLosAngeles, "2026-06-01T13:00:00Z")).not.toContain(FALLBACK);
    expect(openKeys(inLosAngeles, "2026-06-01T15:00:00Z")).toContain(FALLBACK);
  });

  it("reads a lead's explicit zone: Tokyo is closed when New York opens", () => {
    expect(openKeys(DEFAULT_CALLING_HOURS, "2026-06-01T13:00:00Z")).not.toContain(TOKYO);
    // 22:00 in New York, 19:00 in Los Angeles, 11:00 in Tokyo.
    expect(openKeys(DEFAULT_CALLING_HOURS, "2026-06-01T02:00:00Z")).toEqual([LOS_ANGELES, TOKYO]);
  });

  it("keeps fixed-zone and any-time campaigns whole, and groups recipient-local ones by the keys open", () => {
    const fixed = campaign({ timeZone: "UTC", days: [1], start: "09:00", end: "10:00" });
    const anyTime = campaign(null);
    const a = campaign(DEFAULT_CALLING_HOURS);
    const b = campaign(DEFAULT_CALLING_HOURS);
    const monday = claimScopeAt([fixed, anyTime, a, b], KEYS, new Date("2026-06-01T09:30:00Z"));
    expect(monday.scope.anyZone).toEqual([fixed._id, anyTime._id]);
    expect(monday.scope.byZone).toEqual([{ campaignIds: [a._id, b._id], zoneKeys: [TOKYO] }]);
    const tuesday = claimScopeAt([fixed, anyTime], KEYS, new Date("2026-06-02T09:30:00Z"));
    expect(tuesday.campaigns).toEqual([anyTime]);
  });
});
