import { describe, expect, it } from "vitest";
import { callingHoursSchema, isWithinCallingHours } from "./campaign-schemas.ts";

const weekdays9to17 = { timeZone: "America/New_York", days: [1, 2, 3, 4, 5], start: "09:00", end: "17:00" };

describe("isWithinCallingHours", () => {
  it("reads the clock in the campaign's time zone", () => {
    // Wednesday 2026-01-14: 14:30 UTC is 09:30 in New York, 13:30 UTC is 08:30.
    expect(isWithinCallingHours(weekdays9to17, new Date("2026-01-14T14:30:00Z"))).toBe(true);
    expect(isWithinCallingHours(weekdays9to17, new Date("2026-01-14T13:30:00Z"))).toBe(false);
    // 17:00 local is the end: excluded.
    expect(isWithinCallingHours(weekdays9to17, new Date("2026-01-14T22:00:00Z"))).toBe(false);
  });

  it("follows daylight saving time", () => {
    // 2026-07-15 is in EDT (UTC-4): 13:30 UTC is 09:30 local.
    expect(isWithinCallingHours(weekdays9to17, new Date("2026-07-15T13:30:00Z"))).toBe(true);
  });

  it("skips days not listed, by the local date", () => {
    // Saturday 2026-01-17 10:00 in New York.
    expect(isWithinCallingHours(weekdays9to17, new Date("2026-01-17T15:00:00Z"))).toBe(false);
    // Friday 23:30 UTC is still Friday 18:30 in New York, outside the window; Tokyo is Saturday.
    expect(
      isWithinCallingHours(
        { ...weekdays9to17, timeZone: "Asia/Tokyo", days: [6], start: "08:00", end: "09:00" },
        new Date("2026-01-16T23:30:00Z"),
      ),
    ).toBe(true);
  });

  it("allows any time without calling hours", () => {
    expect(isWithinCallingHours(null, new Date())).toBe(true);
  });
});

describe("callingHoursSchema", () => {
  it.each([
    [
      { ...weekdays9to17, timeZone: "Mars/Olympus" },
      'must be an IANA time zone such as America/New_York, or "recipient"',
    ],
    [{ ...weekdays9to17, days: [0] }, "must be an array of ISO weekdays, 1 (Monday) to 7 (Sunday)"],
    [{ ...weekdays9to17, start: "9am" }, "must be a time HH:MM"],
    [{ ...weekdays9to17, end: "08:00" }, "must be after start"],
  ])("refuses %j", (input, message) => {
    const result = callingHoursSchema.safeParse(input);
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.message).toBe(message);
  });
});
