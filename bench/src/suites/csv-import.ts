import { spawn } from "node:child_process";
import { once } from "node:events";
import { createWriteStream, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { processStats, shippedNodeArgs } from "@leadline/testkit";
import { testPhone } from "@leadline/testkit";
import type { BenchContext } from "../bench-context.ts";

const repoRoot = fileURLToPath(new URL("../../../", import.meta.url));
/** The built script, as `pnpm import:csv` runs it (BenchContext.start builds it when stale). */
const script = path.join(repoRoot, "scripts/dist/import-csv.js");
/** The node options `pnpm import:csv` starts it with (V8 heap flags). */
const scriptNodeArgs = shippedNodeArgs(path.join(repoRoot, "package.json"), "import:csv", "scripts/dist/import-csv.js");

export interface CsvImportResult {
  rows: number;
  leadsPerSecond: number;
  seconds: number;
  scriptPeakRssMb: number;
  created: number;
}

/** A CSV of `rows` new leads in the columns `pnpm import:csv` reads. */
export async function writeCsv(file: string, rows: number): Promise<void> {
  const out = createWriteStream(file);
  out.write("phone,id,name,company,priority\n");
  for (let i = 0; i < rows; i++) {
    if (!out.write(`${testPhone(i, 201)},CRM_${i},"Lead ${i}",Acme Corp,${i % 101}\n`)) await once(out, "drain");
  }
  out.end();
  await once(out, "finish");
}

/** Peak RSS of a running process, sampled from /proc every `everyMs`; `stop()` answers the peak in MiB. */
export function watchPeakRss(pid: number, everyMs = 100) {
  let peakRssMb = 0;
  const sample = () => {
    try {
      peakRssMb = Math.max(peakRssMb, processStats(pid).peakRssMb);
    } catch {
      // the process has just exited
    }
  };
  const timer = setInterval(sample, everyMs);
  return {
    stop() {
      clearInterval(timer);
      sample();
      return peakRssMb;
    },
  };
}

/** The built import script on `file`, into `campaignId`, with its memory watched from outside. */
export async function runImportScript(
  file: string,
  target: { url: string; apiKey: string; campaignId: string },
): Promise<{ seconds: number; peakRssMb: number; created: number }> {
  const started = performance.now();
  const child = spawn(
    process.execPath,
    [
      ...scriptNodeArgs,
      script,
      "--file",
      file,
      "--campaign",
      target.campaignId,
      "--url",
      target.url,
      "--api-key",
      target.apiKey,
      "--batch-size",
      "1000",
      "--json",
    ],
    { cwd: repoRoot, stdio: ["ignore", "pipe", "ignore"] },
  );
  const watch = watchPeakRss(child.pid!);
  let stdout = "";
  child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
  const [code] = await once(child, "exit");
  const peakRssMb = watch.stop();
  const seconds = (performance.now() - started) / 1000;
  if (code !== 0) throw new Error(`import script exited with ${code}: ${stdout}`);
  const summary = JSON.parse(stdout.trim().split("\n").at(-1)!) as { created: number };
  return { seconds, peakRssMb, created: summary.created };
}

/** The built import script (`node scripts/dist/import-csv.js`) on a generated file. */
export async function runCsvImport(ctx: BenchContext, rows: number): Promise<CsvImportResult> {
  const db = await ctx.database("csv_import");
  const api = await ctx.api(db);
  const account = await ctx.seed(db);
  const dir = mkdtempSync(path.join(tmpdir(), "leadline-bench-"));
  try {
    const file = path.join(dir, "leads.csv");
    await writeCsv(file, rows);
    const run = await runImportScript(file, { url: api.url, apiKey: account.apiKey, campaignId: account.campaignId });
    return {
      rows,
      leadsPerSecond: rows / run.seconds,
      seconds: run.seconds,
      scriptPeakRssMb: run.peakRssMb,
      created: run.created,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
