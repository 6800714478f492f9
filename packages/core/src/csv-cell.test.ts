import { describe, expect, it } from "vitest";
import { csvCell, neutraliseFormula } from "./csv-cell.ts";

describe("csvCell", () => {
  it("prefixes every cell a spreadsheet would read as a formula", () => {
    expect(csvCell('=HYPERLINK("https://evil.example","x")')).toBe('"\'=HYPERLINK(""https://evil.example"",""x"")"');
    expect(csvCell("@SUM(1+1)*cmd|' /C calc'!A0")).toBe("'@SUM(1+1)*cmd|' /C calc'!A0");
    expect(csvCell("+cmd|' /C calc'!A0")).toBe("'+cmd|' /C calc'!A0");
    expect(csvCell("-2+3+cmd|' /C calc'!A0")).toBe("'-2+3+cmd|' /C calc'!A0");
    expect(csvCell("\t=1+1")).toBe("'\t=1+1");
    expect(csvCell("\r=1+1")).toBe('"\'\r=1+1"');
  });

  it("leaves plain numbers, phone numbers and text as they were", () => {
    for (const value of ["+15555551234", "-42", "+1.5", "26", "not-a-phone", "Lovelace, Ada", ""])
      expect(neutraliseFormula(value)).toBe(value);
    expect(csvCell("+15555551234")).toBe("+15555551234");
    expect(csvCell("Lovelace, Ada")).toBe('"Lovelace, Ada"');
    expect(csvCell("+1 555-555-1234")).toBe("'+1 555-555-1234");
  });
});
