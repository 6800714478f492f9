import { beforeAll, describe, expect, it } from "vitest";
import { execFile, spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { ObjectId, seedAccount } from "@leadline/db";
import { shippedNodeArgs, waitFor } from "@leadline/testkit";
import { useApiServer } from "./support/api-server.ts";
import { useTestDatabase } from "./support/database.ts";
import { expectedCounts, flawedCsv } from "./support/imports.ts";
import { useBackgroundWorker } from "./support/worker-process.ts";

const repoRoot = fileURLToPath(new URL("../", import.meta.url));
const built = path.join(repoRoot, "scripts/dist/import-csv.js");
const builtNodeArgs = shippedNodeArgs(path.join(repoRoot, "package.json"), "import:csv", "scripts/dist/import-csv.js");

/** Runs the built `pnpm import:csv` (scripts/dist/import-csv.js) to its end. */
function runScript(args: string[], apiKey: string): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [...builtNodeArgs, built, ...args],
      { cwd: repoRoot, env: { ...process.env, LEADLINE_API_KEY: apiKey } },
      (error, stdout, stderr) => resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr }),
    );
  });
}

const tempFile = (name: string, text: string) => {
  const file = path.join(mkdtempSync(path.join(tmpdir(), "leadline-async-")), name);
  writeFileSync(file, text);
  return file;
};

beforeAll(async () => {
  await promisify(execFile)(process.execPath, [path.join(repoRoot, "scripts/build.mjs"), "--if-stale"], {
    cwd: repoRoot,
  });
}, 120_000);

describe("pnpm import:csv --async against an API and an import worker", () => {
  const db = useTestDatabase("csv_import_async");
  const server = useApiServer(db);
  useBackgroundWorker(db, { IMPORT_BATCH_SIZE: "200" });

  it(
    "uploads the file as one job, follows it, saves the error report; a rerun follows the same job",
    { timeout: 120_000 },
    async () => {
      const { apiKey, campaignId } = await seedAccount(db.repos);
      const { csv, records } = flawedCsv(3000, 6_000_000);
      const national = "07700 900001";
      const file = tempFile("leads.csv", `${csv}${national},crm-gb,1,Gb\n`);
      const { invalid, duplicates, created } = expectedCounts(records);
      const args = ["--async", "--file", file, "--campaign", campaignId, "--url", server.url, "--poll-interval", "100"];
      const first = await runScript([...args, "--default-country", "GB", "--json"], apiKey);
      expect(first.code).toBe(0);
      const summary = JSON.parse(first.stdout.trim().split("\n").at(-1)!);
      expect(summary).toMatchObject({
        state: "completed",
        stoppedFollowing: false,
        rows: 3001,
        created: created + 1,
        skipped: duplicates,
        suppressed: 0,
        invalid,
        errorsFile: `${file}.errors.csv`,
        error: null,
      });
      // Not a terminal: plain progress lines, no bar.
      expect(first.stderr).toMatch(new RegExp(`import ${summary.importId} queued`));
      expect(first.stderr).toMatch(new RegExp(`import ${summary.importId}: rows \\d+ · \\d+% · \\d+ leads/s`));
      expect(first.stderr).not.toMatch(/\[#*-*\]/);
      expect(await db.repos.collections.leads.findOne({ externalId: "crm-gb" })).toMatchObject({
        phoneNumber: "+447700900001",
      });
      expect(await db.repos.leads.countByCampaign(new ObjectId(campaignId))).toBe(created + 1);
      const report = readFileSync(`${file}.errors.csv`, "utf8").trimEnd().split("\r\n");
      expect(report[0]).toBe("line,error,phone,id,priority,first_name");
      expect(report).toHaveLength(invalid + 1);

      // The same file again: the Idempotency-Key finds the first job; nothing is uploaded twice.
      const again = await runScript([...args, "--default-country", "GB"], apiKey);
      expect(again.code).toBe(0);
      expect(again.stderr).toMatch(new RegExp(`import ${summary.importId}: this file was already uploaded`));
      expect(again.stdout).toMatch(new RegExp(`^Import job ${summary.importId} completed after`, "m"));
      expect(again.stdout).toMatch(new RegExp(`created: +${created + 1}\\n`));
      expect(again.stdout).toMatch(
        new RegExp(`invalid: +${invalid} +\\(lines in ${file.replaceAll(".", "\\.")}\\.errors\\.csv\\)`),
      );
      expect(await db.repos.collections.importJobs.countDocuments({ campaignId: new ObjectId(campaignId) })).toBe(1);
      expect(await db.repos.importFiles.count()).toBe(1);
    },
  );

  it("exits 1 and says why when the upload is refused", async () => {
    const { apiKey } = await seedAccount(db.repos);
    const file = tempFile("leads.csv", "phone\n+15555550100\n");
    const result = await runScript(
      ["--async", "--file", file, "--campaign", new ObjectId().toHexString(), "--url", server.url],
      apiKey,
    );
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/upload failed: Campaign .* not found|upload failed: .*not found/i);
    expect(existsSync(`${file}.errors.csv`)).toBe(false);
  });
});

describe("pnpm import:csv --async and Ctrl-C", () => {
  // No worker: the job stays queued while the script follows it.
  const db = useTestDatabase("csv_import_async_sigint");
  const server = useApiServer(db);

  it(
    "stops following on SIGINT without cancelling the job, and says how to cancel it",
    { timeout: 60_000 },
    async () => {
      const { apiKey, campaignId } = await seedAccount(db.repos);
      const file = tempFile("leads.csv", "phone\n+15555550100\n+15555550101\n");
      const child = spawn(
        process.execPath,
        [built, "--async", "--file", file, "--campaign", campaignId, "--url", server.url, "--poll-interval", "100"],
        { cwd: repoRoot, env: { ...process.env, LEADLINE_API_KEY: apiKey } },
      );
      let stderr = "";
      let stdout = "";
      child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
      child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
      const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
      await waitFor("the script to upload and follow", async () => /import [0-9a-f]{24}: rows/.test(stderr), 30_000);
      const id = /import ([0-9a-f]{24}) queued/.exec(stderr)![1]!;
      child.kill("SIGINT");
      expect(await exited).toBe(130);
      expect(stderr).toMatch(
        new RegExp(`Stopped following import ${id}; it goes on on the server \\(state: queued\\)`),
      );
      expect(stderr).toContain(
        `curl -X POST -H "x-api-key: $LEADLINE_API_KEY" ${server.url}/api/v1/imports/${id}/cancel`,
      );
      expect(stdout).toMatch(new RegExp(`Import job ${id} not followed to its end`));
      const job = await db.repos.collections.importJobs.findOne({ _id: new ObjectId(id) });
      expect(job?.state).toBe("queued");
    },
  );
});
