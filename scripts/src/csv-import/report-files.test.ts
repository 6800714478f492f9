import { describe, expect, it } from "vitest";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { ReportFile } from "./report-files.ts";

describe("ReportFile", () => {
  it("issue 21: writes formula cells behind a quote, whatever the caller hands it", async () => {
    const file = path.join(mkdtempSync(path.join(tmpdir(), "leadline-report-")), "leads.csv.invalid.csv");
    const report = new ReportFile(file, ["line", "problem"]);
    await report.write(["2", '=HYPERLINK("https://evil.example","x")']);
    await report.write(["3", "@SUM(1+1)"]);
    await report.write(["4", "+12125550100"]);
    await report.close();
    expect(readFileSync(file, "utf8")).toBe(
      'line,problem\n2,"\'=HYPERLINK(""https://evil.example"",""x"")"\n3,\'@SUM(1+1)\n4,+12125550100\n',
    );
  });
});
