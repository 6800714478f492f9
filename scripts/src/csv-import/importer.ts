import type { CsvRow } from "./csv-rows.ts";
import { ReportFile } from "./report-files.ts";
import { sendBatch, type SendOptions } from "./send-batch.ts";

type ValidRow = Extract<CsvRow, { ok: true }>;

export interface ImportSummary {
  rows: number;
  created: number;
  skipped: number;
  invalid: number;
  failed: number;
  batches: number;
  failedBatches: number;
  seconds: number;
  leadsPerSecond: number;
  skippedFile: string | undefined;
  invalidFile: string | undefined;
  /** Set when the import stopped early (bad key, unknown campaign). */
  abortedBecause?: string;
}

/** How `import:csv` sends a file through the bulk endpoint (not an import job's ImportOptions). */
export interface CsvImportOptions extends Omit<SendOptions, "onWait"> {
  batchSize: number;
  skippedFile: string;
  invalidFile: string;
  /**
   * Identifies the file (path, size, modification time): with it, each batch
   * is sent with an Idempotency-Key derived from it, the batch's number and
   * its content, so a rerun after a crash gets the first answer back.
   */
  fileFingerprint?: string;
  log(message: string): void;
  progress(summary: ImportSummary): void;
}

/**
 * Which rows of a batch the server skipped. The server keeps the first of
 * several equal phones in a batch unless the campaign had it already, so
 * when a phone is skipped k times, its last k rows are the skipped ones.
 */
export function skippedRows(rows: readonly ValidRow[], skippedPhones: readonly string[]): ValidRow[] {
  const remaining = new Map<string, number>();
  for (const phone of skippedPhones) remaining.set(phone, (remaining.get(phone) ?? 0) + 1);
  const skipped: ValidRow[] = [];
  for (let i = rows.length - 1; i >= 0; i--) {
    const row = rows[i]!;
    const count = remaining.get(row.phoneNumber) ?? 0;
    if (count > 0) {
      skipped.push(row);
      remaining.set(row.phoneNumber, count - 1);
    }
  }
  return skipped.reverse();
}

/** Reads rows, sends them in batches one after another, and keeps the tally. */
export async function importRows(rows: AsyncIterable<CsvRow>, options: CsvImportOptions): Promise<ImportSummary> {
  const started = performance.now();
  const skippedReport = new ReportFile(options.skippedFile, ["line", "phoneNumber", "reason"]);
  const invalidReport = new ReportFile(options.invalidFile, ["line", "problem"]);
  const summary: ImportSummary = {
    rows: 0,
    created: 0,
    skipped: 0,
    invalid: 0,
    failed: 0,
    batches: 0,
    failedBatches: 0,
    seconds: 0,
    leadsPerSecond: 0,
    skippedFile: undefined,
    invalidFile: undefined,
  };
  const tick = () => {
    summary.seconds = (performance.now() - started) / 1000;
    summary.leadsPerSecond = Math.round((summary.created + summary.skipped) / Math.max(summary.seconds, 0.001));
  };
  const sendOptions: SendOptions = {
    ...options,
    onWait: (reason, ms) => options.log(`waiting ${(ms / 1000).toFixed(1)} s: ${reason}`),
  };

  let batch: ValidRow[] = [];
  let pauseMs = 0;
  const flush = async () => {
    if (batch.length === 0 || summary.abortedBecause) return;
    const rowsOfBatch = batch;
    batch = [];
    if (pauseMs > 0) {
      options.log(`rate limit budget used up; waiting ${(pauseMs / 1000).toFixed(1)} s`);
      await new Promise((resolve) => setTimeout(resolve, pauseMs));
    }
    summary.batches++;
    const leads = rowsOfBatch.map((row) => row.lead);
    const keySeed = options.fileFingerprint ? `${options.fileFingerprint}\n${summary.batches}` : undefined;
    const outcome = await sendBatch(leads, sendOptions, keySeed);
    if (outcome.ok) {
      summary.created += outcome.result.created;
      summary.skipped += outcome.result.skipped;
      pauseMs = outcome.budgetResetMs ?? 0;
      // Rows the server judged invalid (--on-invalid skip): reported with their line, left out of the skipped rows.
      const invalidIndexes = new Set<number>();
      for (const { index, error } of outcome.result.invalidLeads ?? []) {
        invalidIndexes.add(index);
        summary.invalid++;
        await invalidReport.write([String(rowsOfBatch[index]!.line), error]);
      }
      const judged = rowsOfBatch.filter((_, index) => !invalidIndexes.has(index));
      for (const row of skippedRows(judged, outcome.result.skippedPhones)) {
        await skippedReport.write([String(row.line), row.phoneNumber, "duplicate"]);
      }
    } else {
      summary.failedBatches++;
      summary.failed += rowsOfBatch.length;
      const lines = `lines ${rowsOfBatch[0]!.line}-${rowsOfBatch.at(-1)!.line}`;
      options.log(`batch ${summary.batches} (${lines}) failed: ${outcome.error}`);
      if (outcome.fatal) summary.abortedBecause = outcome.error;
    }
    tick();
    options.progress(summary);
  };

  let unreadable: string | undefined;
  for await (const row of rows) {
    if (summary.abortedBecause) break;
    if (!row.ok && row.unreadable) {
      // The rows before it are still sent; the import then stops with the reason.
      unreadable = row.problem;
      break;
    }
    summary.rows++;
    if (!row.ok) {
      summary.invalid++;
      await invalidReport.write([String(row.line), row.problem]);
      if (summary.invalid <= 20) options.log(`line ${row.line}: ${row.problem} (not sent)`);
      continue;
    }
    batch.push(row);
    if (batch.length >= options.batchSize) await flush();
  }
  await flush();
  if (unreadable && !summary.abortedBecause) {
    summary.abortedBecause = unreadable;
    options.log(unreadable);
  }
  await Promise.all([skippedReport.close(), invalidReport.close()]);
  if (summary.invalid > 20) options.log(`${summary.invalid - 20} more invalid rows, see ${invalidReport.path}`);
  tick();
  summary.skippedFile = skippedReport.lines > 0 ? skippedReport.path : undefined;
  summary.invalidFile = invalidReport.lines > 0 ? invalidReport.path : undefined;
  return summary;
}
