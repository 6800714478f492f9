import { describe, expect, it } from "vitest";
import { skippedRows } from "./importer.ts";

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
