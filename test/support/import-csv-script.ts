import { execFile } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

const script = fileURLToPath(new URL("../../scripts/src/import-csv.ts", import.meta.url));
const repoRoot = fileURLToPath(new URL("../../", import.meta.url));

/** Runs `pnpm import:csv ... --json` as a process and returns its exit code, summary and stderr. */
export function runImportCsv(args: string[]): Promise<{ code: number; summary: any; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ["--import", "tsx", script, ...args, "--json"],
      { cwd: repoRoot },
      (error, stdout, stderr) => {
        let summary: unknown = null;
        try {
          summary = JSON.parse(stdout.trim().split("\n").at(-1) ?? "null");
        } catch {
          // no summary: the exit code and stderr tell why
        }
        resolve({ code: error ? ((error as { code?: number }).code ?? 1) : 0, summary, stderr });
      },
    );
  });
}

/** Writes `text` to a fresh temporary `leads.csv` and returns its path. */
export function writeCsvFile(text: string): string {
  const file = path.join(mkdtempSync(path.join(tmpdir(), "leadline-csv-")), "leads.csv");
  writeFileSync(file, text);
  return file;
}
