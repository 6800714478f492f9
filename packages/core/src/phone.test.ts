import { describe, expect, it } from "vitest";
import { parsePhoneNumberFromString } from "libphonenumber-js/max";
import { normalizePhoneNumber } from "./phone.ts";

describe("normalizePhoneNumber", () => {
  it("accepts the docs' example numbers, which are possible but not assigned", () => {
    for (const phone of ["+15555551234", "+15555555678", "+15555559999"]) {
      expect(normalizePhoneNumber(phone)).toEqual({ ok: true, e164: phone });
    }
  });

  it("strips spaces, dashes, dots and brackets", () => {
    for (const written of ["+1 (555) 555-1234", "+1.555.555.1234", "+1-555-555-1234", "+1 [555] 5551234"]) {
      expect(normalizePhoneNumber(written)).toEqual({ ok: true, e164: "+15555551234" });
    }
  });

  it("normalises numbers of other countries", () => {
    expect(normalizePhoneNumber("+44 20 7946 0958")).toEqual({ ok: true, e164: "+442079460958" });
    expect(normalizePhoneNumber("+49 30 123456")).toEqual({ ok: true, e164: "+4930123456" });
  });

  it("asks for the + and country code on national numbers", () => {
    const result = normalizePhoneNumber("5555551234");
    expect(result.ok).toBe(false);
    expect(!result.ok && result.problem).toMatch(/international format/);
  });

  it.each(["+1555", "+155555512345678", "+1abc5551234", "+", "", "+0 555 555 1234", "++15555551234"])(
    "refuses %j",
    (input) => {
      expect(normalizePhoneNumber(input).ok).toBe(false);
    },
  );

  it("takes the +1 shortcut only where libphonenumber gives the same answer", () => {
    // Random +1 numbers of every length around ten digits, area codes 0-9 included.
    let state = 12345;
    const random = () => (state = (state * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    for (let i = 0; i < 20_000; i++) {
      const length = 8 + Math.floor(random() * 5);
      const digits = Array.from({ length }, () => Math.floor(random() * 10)).join("");
      const input = `+1${digits}`;
      const parsed = parsePhoneNumberFromString(input);
      const expected = parsed?.isPossible() ? { ok: true, e164: parsed.number } : { ok: false };
      expect(normalizePhoneNumber(input), input).toMatchObject(expected);
    }
  });
});
