import { describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import { seedAccount } from "@leadline/db";
import { useApiServer } from "./support/api-server.ts";
import { useTestDatabase } from "./support/database.ts";
import { runImportCsv, writeCsvFile } from "./support/import-csv-script.ts";

// Line 1 header; lead on 2–3; blank 4; lead on 5–7; a bad row on 8; a duplicate on 9–10.
const FILE =
  'phone,note\r\n+12125550001,"two\r\nlines"\r\n\r\n+12125550002,"a\r\nb\r\nc"\r\nnot-a-phone,x\r\n' +
  '+12125550001,"again\r\n"\r\n';

describe("pnpm import:csv after quoted line breaks", () => {
  const db = useTestDatabase("csv_import_quoted_line_breaks");
  const server = useApiServer(db);

  it("issue 22: names the file's real lines in its reports, as import jobs do (csv-parse's count ran ahead on CRLF)", async () => {
    const { apiKey, campaignId } = await seedAccount(db.repos);
    const file = writeCsvFile(FILE);
    const result = await runImportCsv([
      "--file",
      file,
      "--campaign",
      campaignId,
      "--api-key",
      apiKey,
      "--url",
      server.url,
    ]);
    expect(result.code).toBe(0);
    expect(result.summary).toMatchObject({ rows: 4, created: 2, skipped: 1, invalid: 1 });
    expect(readFileSync(`${file}.invalid.csv`, "utf8").trim().split("\n")).toEqual([
      "line,problem",
      '8,"phoneNumber must be in international format starting with + and a country code, e.g. +15555551234"',
    ]);
    expect(readFileSync(`${file}.skipped.csv`, "utf8").trim().split("\n")).toEqual([
      "line,phoneNumber,reason",
      "10,+12125550001,duplicate",
    ]);
  });
});
