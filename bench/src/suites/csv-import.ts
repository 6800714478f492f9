import { spawn } from "node:child_process";
import { once } from "node:events";
import { createWriteStream, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { processStats } from "@leadline/testkit";
import { testPhone } from "@leadline/testkit";
import type { BenchContext } from "../bench-context.ts";

const repoRoot = fileURLToPath(new URL("../../../", import.meta.url));
const script = path.join(repoRoot, "scripts/src/import-csv.ts");

export interface CsvImportResult {
  rows: number;
  leadsPerSecond: number;
  seconds: number;
  scriptPeakRssMb: number;
  created: number;
}

async function writeCsv(file: string, rows: number): Promise<void> {
  const out = createWriteStream(file);
  out.write("phone,id,name,company,priority\n");
  for (let i = 0; i < rows; i++) {
    if (!out.write(`${testPhone(i, 201)},CRM_${i},"Lead ${i}",Acme Corp,${i % 101}\n`)) await once(out, "drain");
  }
  out.end();
  await once(out, "finish");
}

/** The import script on a generated file, with its memory watched from outside. */
export async function runCsvImport(ctx: BenchContext, rows: number): Promise<CsvImportResult> {
  const db = await ctx.database("csv_import");
  const api = await ctx.api(db);
  const account = await ctx.seed(db);
  const dir = mkdtempSync(path.join(tmpdir(), "leadline-bench-"));
  try {
    const file = path.join(dir, "leads.csv");
    await writeCsv(file, rows);
    const started = performance.now();
    const child = spawn(
      process.execPath,
      [
        "--import",
        "tsx",
        script,
        "--file",
        file,
        "--campaign",
        account.campaignId,
        "--url",
        api.url,
        "--api-key",
        account.apiKey,
        "--batch-size",
        "1000",
        "--json",
      ],
      { cwd: repoRoot, stdio: ["ignore", "pipe", "ignore"] },
    );
    let peakRssMb = 0;
    const watch = setInterval(() => {
      try {
        peakRssMb = Math.max(peakRssMb, processStats(child.pid!).peakRssMb);
      } catch {
        // the process has just exited
      }
    }, 100);
    let stdout = "";
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
    const [code] = await once(child, "exit");
    clearInterval(watch);
    const seconds = (performance.now() - started) / 1000;
    if (code !== 0) throw new Error(`import script exited with ${code}: ${stdout}`);
    const summary = JSON.parse(stdout.trim().split("\n").at(-1)!) as { created: number };
    return { rows, leadsPerSecond: rows / seconds, seconds, scriptPeakRssMb: peakRssMb, created: summary.created };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
