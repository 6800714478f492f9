import { describe, expect, it } from "vitest";
import { skippedRows } from "./importer.ts";
import { backoffMs } from "./send-batch.ts";

const row = (line: number, phoneNumber: string) => ({ line, ok: true as const, phoneNumber, lead: { phoneNumber } });

describe("skippedRows", () => {
  it("marks the later rows of a phone the server kept once as the skipped ones", () => {
    const rows = [row(2, "+1"), row(3, "+2"), row(4, "+1"), row(5, "+1")];
    expect(skippedRows(rows, ["+1", "+1"]).map((r) => r.line)).toEqual([4, 5]);
  });

  it("marks every row of a phone the campaign had already", () => {
    const rows = [row(2, "+1"), row(3, "+2"), row(4, "+1")];
    expect(skippedRows(rows, ["+1", "+2", "+1"]).map((r) => r.line)).toEqual([2, 3, 4]);
  });
});

describe("backoffMs", () => {
  it("doubles the ceiling per attempt up to 30 s, with full jitter", () => {
    expect([1, 2, 3, 4].map((attempt) => backoffMs(attempt, () => 1))).toEqual([500, 1000, 2000, 4000]);
    expect(backoffMs(20, () => 1)).toBe(30_000);
    expect(backoffMs(3, () => 0)).toBe(0);
  });
});
