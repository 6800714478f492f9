import { describe, expect, it } from "vitest";
import { readFileSync, writeFileSync } from "node:fs";
import { ObjectId, seedAccount } from "@leadline/db";
import { useApiServer } from "./support/api-server.ts";
import { useTestDatabase } from "./support/database.ts";
import { runImportCsv as importCsv, writeCsvFile as csvFile } from "./support/import-csv-script.ts";

describe("pnpm import:csv with the bulk options", () => {
  const db = useTestDatabase("csv_import_bulk_options");
  const server = useApiServer(db);
  const stored = async (campaignId: string) =>
    (
      await db.repos.collections.leads
        .find({ campaignId: new ObjectId(campaignId) })
        .sort({ _id: 1 })
        .toArray()
    ).map((lead) => lead.phoneNumber);

  const importInto = (file: string, account: { apiKey: string; campaignId: string }, ...extra: string[]) =>
    importCsv([
      "--file",
      file,
      "--campaign",
      account.campaignId,
      "--api-key",
      account.apiKey,
      "--url",
      server.url,
      ...extra,
    ]);

  it("--on-invalid skip sends bad rows and reports the server's verdict by CSV line", async () => {
    const { apiKey, campaignId } = await seedAccount(db.repos);
    const file = csvFile(
      ["phone,name,priority", "+12125550100,A,1", "12345,B,1", "+12125550101,C,high", "+12125550100,D,2"].join("\n"),
    );
    const result = await importInto(file, { apiKey, campaignId }, "--on-invalid", "skip");
    expect(result.code).toBe(0);
    expect(result.summary).toMatchObject({ rows: 4, created: 1, skipped: 1, invalid: 2 });
    expect(readFileSync(`${file}.invalid.csv`, "utf8").trim().split("\n")).toEqual([
      "line,problem",
      `3,"leads[1].phoneNumber must be in international format starting with + and a country code, e.g. +15555551234"`,
      "4,leads[2].priority must be an integer from 0 to 100",
    ]);
    expect(await stored(campaignId)).toEqual(["+12125550100"]);
  });

  it("--default-country reads national numbers", async () => {
    const { apiKey, campaignId } = await seedAccount(db.repos);
    const file = csvFile(["phone,name", "(212) 555-0110,A", "+44 20 7946 0018,B"].join("\n"));
    const result = await importInto(file, { apiKey, campaignId }, "--default-country", "US");
    expect(result.summary).toMatchObject({ created: 2, invalid: 0 });
    expect(await stored(campaignId)).toEqual(["+12125550110", "+442079460018"]);
    const bad = await importInto(file, { apiKey, campaignId }, "--default-country", "usa");
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("--default-country must be an ISO 3166-1 alpha-2 country code");
  });

  it("a rerun of the same file, as after a crash, reports what each batch really created", async () => {
    const { apiKey, campaignId } = await seedAccount(db.repos);
    const file = csvFile(["phone", "+12125550120", "+12125550121", "+12125550122"].join("\n"));
    const args = [
      "--file",
      file,
      "--campaign",
      campaignId,
      "--api-key",
      apiKey,
      "--url",
      server.url,
      "--batch-size",
      "2",
    ];
    const first = await importCsv(args);
    expect(first.summary).toMatchObject({ created: 3, skipped: 0, batches: 2 });
    // The first run's answers were lost (the script died before printing): the batches' keys bring them back.
    const rerun = await importCsv(args);
    expect(rerun.summary).toMatchObject({ created: 3, skipped: 0, batches: 2 });
    expect(await stored(campaignId)).toHaveLength(3);
    // A changed file is new work: its batches get new keys, and stored phones count as skipped.
    writeFileSync(file, ["phone", "+12125550120", "+12125550121", "+12125550122", "+12125550123"].join("\n"));
    const changed = await importCsv(args);
    expect(changed.summary).toMatchObject({ created: 1, skipped: 3 });
  });
});
