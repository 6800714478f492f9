import { describe, expect, it } from "vitest";
import { execFile } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { ObjectId, seedAccount } from "@leadline/db";
import { testPhones } from "@leadline/testkit";
import { postBulk, useApiServer } from "./support/api-server.ts";
import { useTestDatabase } from "./support/database.ts";

const run = promisify(execFile);
const script = fileURLToPath(new URL("../scripts/src/import-csv.ts", import.meta.url));
const repoRoot = fileURLToPath(new URL("../", import.meta.url));

async function importDnc(file: string, url: string, apiKey: string, extra: string[] = []) {
  const { stdout } = await run(
    process.execPath,
    [
      "--import",
      "tsx",
      script,
      "--suppressions",
      "--file",
      file,
      "--url",
      url,
      "--batch-size",
      "500",
      "--json",
      ...extra,
    ],
    { cwd: repoRoot, env: { ...process.env, LEADLINE_API_KEY: apiKey } },
  );
  return JSON.parse(stdout.trim().split("\n").at(-1)!);
}

describe("pnpm import:csv --suppressions", () => {
  const db = useTestDatabase("csv_suppressions");
  const server = useApiServer(db, { BULK_RATE_LIMIT: "1000" });

  it(
    "loads a do-not-call file in batches, reports bad lines, and is safe to run again",
    { timeout: 60_000 },
    async () => {
      const { apiKey, accountId, campaignId } = await seedAccount(db.repos);
      const phones = testPhones(1200, 0, 917);
      const lines = ["phone,name", ...phones.map((phone, i) => `${phone},person ${i}`), "12345,not a number"];
      const file = path.join(mkdtempSync(path.join(tmpdir(), "dnc-")), "dnc.csv");
      writeFileSync(file, `${lines.join("\n")}\n`);

      const first = await importDnc(file, server.url, apiKey, ["--reason", "national DNC list"]);
      expect(first).toMatchObject({ rows: 1201, created: 1200, skipped: 0, invalid: 1, failed: 0, batches: 3 });
      const stored = await db.repos.collections.suppressions.find({ accountId: new ObjectId(accountId) }).toArray();
      expect(stored).toHaveLength(1200);
      expect(stored.every((entry) => entry.source === "import" && entry.campaignId === null)).toBe(true);
      expect(stored[0]).toMatchObject({ reason: "national DNC list" });

      const again = await importDnc(file, server.url, apiKey);
      expect(again).toMatchObject({ created: 0, skipped: 1200, failed: 0 });

      const ingest = await postBulk(server.url, apiKey, {
        campaignId,
        leads: phones.slice(0, 3).map((phoneNumber) => ({ phoneNumber })),
      });
      expect(ingest.body.data).toMatchObject({ created: 0, skipped: 3, suppressedPhones: phones.slice(0, 3) });
    },
  );

  it("scopes the list to one campaign with --campaign", { timeout: 60_000 }, async () => {
    const { apiKey, campaignId } = await seedAccount(db.repos);
    const phones = testPhones(3, 5000, 917);
    const file = path.join(mkdtempSync(path.join(tmpdir(), "dnc-")), "dnc.csv");
    writeFileSync(file, `phoneNumber\n${phones.join("\n")}\n`);
    expect(await importDnc(file, server.url, apiKey, ["--campaign", campaignId])).toMatchObject({ created: 3 });
    const entries = await db.repos.collections.suppressions.find({ phoneNumber: { $in: phones } }).toArray();
    expect(entries.map((entry) => entry.campaignId?.toHexString())).toEqual([campaignId, campaignId, campaignId]);
  });
});
