import { describe, expect, it } from "vitest";
import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { ObjectId, seedAccount } from "@leadline/db";
import { testPhone } from "@leadline/testkit";
import { useApiServer } from "./support/api-server.ts";
import { useTestDatabase } from "./support/database.ts";

const run = promisify(execFile);
const script = fileURLToPath(new URL("../scripts/src/import-csv.ts", import.meta.url));
const repoRoot = fileURLToPath(new URL("../", import.meta.url));

/**
 * 2,500 rows with a BOM and CRLF line ends, quoted fields with commas and
 * quotes, phones repeated in other spellings, bad phones and bad priorities.
 */
/** Row i's phone is +1 212 555 0000 + i, as the expectations below spell them. */
const FIRST_PHONE = 5_550_000;

function buildCsv() {
  const lines = ["phone,id,name,company,priority"];
  const distinct = new Set<string>();
  let invalid = 0;
  let duplicates = 0;
  for (let i = 0; i < 2500; i++) {
    const e164 = testPhone(FIRST_PHONE + i, 212);
    if (i % 50 === 7) {
      lines.push(`12345,CRM_${i},Bad Phone,Acme,1`);
      invalid++;
    } else if (i % 125 === 11) {
      lines.push(`${e164},CRM_${i},Bad Priority,Acme,high`);
      invalid++;
    } else if (i % 100 === 13) {
      const previous = testPhone(FIRST_PHONE + i - 1, 212);
      lines.push(`"+1 (212) ${previous.slice(5, 8)}-${previous.slice(8)}",CRM_${i},"Doe, John ""JJ""",Acme,5`);
      duplicates++;
    } else {
      lines.push(`${e164},CRM_${i},"Doe, John ""JJ""","Acme\nCorp",${i % 101}`);
      distinct.add(e164);
    }
  }
  return { text: `\uFEFF${lines.join("\r\n")}\r\n`, distinct, invalid, duplicates };
}

async function importCsv(file: string, url: string, apiKey: string, campaignId: string) {
  try {
    const { stdout, stderr } = await run(
      process.execPath,
      [
        "--import",
        "tsx",
        script,
        "--file",
        file,
        "--campaign",
        campaignId,
        "--url",
        url,
        "--batch-size",
        "500",
        "--json",
      ],
      { cwd: repoRoot, env: { ...process.env, LEADLINE_API_KEY: apiKey } },
    );
    return { code: 0, summary: JSON.parse(stdout.trim().split("\n").at(-1)!), stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return {
      code: failed.code,
      summary: JSON.parse(failed.stdout.trim().split("\n").at(-1) || "null"),
      stderr: failed.stderr,
    };
  }
}

describe("pnpm import:csv against a running server", () => {
  const db = useTestDatabase("csv_import");
  // A tight budget, so that the script has to wait for the rate limit. The window is long enough
  // that three 500-lead requests always fit in it, even on a busy machine: with a 2 s window,
  // slow requests could let the window pass and the script never need to wait.
  const server = useApiServer(db, { BULK_RATE_LIMIT: "3", BULK_RATE_WINDOW_SECONDS: "6" });

  it(
    "stores every valid row once, reports the rest, and a second run gets each batch's first answer back",
    { timeout: 120_000 },
    async () => {
      const { apiKey, campaignId } = await seedAccount(db.repos);
      const dir = mkdtempSync(path.join(tmpdir(), "leadline-csv-"));
      const file = path.join(dir, "leads.csv");
      const csv = buildCsv();
      writeFileSync(file, csv.text);

      const first = await importCsv(file, server.url, apiKey, campaignId);
      expect(first.code).toBe(0);
      expect(first.summary).toMatchObject({
        rows: 2500,
        created: csv.distinct.size,
        skipped: csv.duplicates,
        invalid: csv.invalid,
        failed: 0,
      });
      // Line numbers count the file's lines: the quoted "Acme\nCorp" rows take two each.
      expect(first.stderr).toMatch(/line 16: phoneNumber must be in international format/);
      expect(first.stderr).toMatch(/line 23: priority must be an integer from 0 to 100, got "high"/);
      expect(first.stderr).toMatch(/rate limit budget used up; waiting/);

      const stored = await db.repos.collections.leads.find({ campaignId: new ObjectId(campaignId) }).toArray();
      expect(stored).toHaveLength(csv.distinct.size);
      expect(new Set(stored.map((lead) => lead.phoneNumber))).toEqual(csv.distinct);
      const sample = stored.find((lead) => lead.externalId === "CRM_0");
      expect(sample).toMatchObject({
        phoneNumber: "+12125550000",
        priority: 0,
        metadata: { name: 'Doe, John "JJ"', company: "Acme\nCorp" },
      });

      const skippedLines = readFileSync(`${file}.skipped.csv`, "utf8").trim().split("\n");
      expect(skippedLines).toHaveLength(csv.duplicates + 1);
      expect(skippedLines[1]).toBe("26,+12125550012,duplicate");
      const invalidLines = readFileSync(`${file}.invalid.csv`, "utf8").trim().split("\n");
      expect(invalidLines).toHaveLength(csv.invalid + 1);

      const second = await importCsv(file, server.url, apiKey, campaignId);
      expect(second.code).toBe(0);
      // Each batch's Idempotency-Key brings back its first answer, as after a crash.
      expect(second.summary).toMatchObject({
        created: csv.distinct.size,
        skipped: csv.duplicates,
        invalid: csv.invalid,
        failed: 0,
      });
      expect(await db.repos.leads.countByCampaign(new ObjectId(campaignId))).toBe(csv.distinct.size);
    },
  );

  it(
    "sends the rows before a quote left open or broken CSV, then stops with exit code 1 naming the line",
    { timeout: 60_000 },
    async () => {
      const { apiKey, campaignId } = await seedAccount(db.repos);
      const dir = mkdtempSync(path.join(tmpdir(), "leadline-csv-"));
      const good = [1, 2, 3].map((i) => `${testPhone(7_770_000 + i, 212)},Ann ${i}`);
      // The open quote would read the rest of the file, 100,000 more characters, into one row.
      const openQuote = path.join(dir, "open-quote.csv");
      writeFileSync(
        openQuote,
        ["phone,name", ...good, `${testPhone(7_770_009, 212)},"Bob`, "x".repeat(100_000)].join("\n"),
      );
      const first = await importCsv(openQuote, server.url, apiKey, campaignId);
      expect(first.code).toBe(1);
      expect(first.summary).toMatchObject({
        rows: 3,
        created: 3,
        abortedBecause: "line 5: the row runs past 65536 characters; is a quote left open?",
      });
      expect(first.stderr).not.toMatch(/\bat .*\.(ts|js):\d+/);

      const broken = path.join(dir, "broken.csv");
      writeFileSync(broken, ["phone,name", ...good, `${testPhone(7_770_010, 212)},"Bo"b`, good[0]].join("\n"));
      const second = await importCsv(broken, server.url, apiKey, campaignId);
      expect(second.code).toBe(1);
      expect(second.summary.abortedBecause).toMatch(
        /^line 5: the file is not valid CSV from here: Invalid Closing Quote/,
      );
      expect(second.summary).toMatchObject({ rows: 3, created: 0, skipped: 3 });
      expect(await db.repos.collections.leads.countDocuments({ campaignId: new ObjectId(campaignId) })).toBe(3);
    },
  );

  it("stops with exit code 1 and says why when the campaign does not exist", async () => {
    const { apiKey } = await seedAccount(db.repos);
    const dir = mkdtempSync(path.join(tmpdir(), "leadline-csv-"));
    const file = path.join(dir, "few.csv");
    writeFileSync(file, "phone,name\n+15555551234,Ann\n");
    const result = await importCsv(file, server.url, apiKey, "6650c0ffee00000000000001");
    expect(result.code).toBe(1);
    expect(result.summary).toMatchObject({ abortedBecause: "Campaign not found", failed: 1 });
  });
});
