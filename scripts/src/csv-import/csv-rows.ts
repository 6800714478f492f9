import { csvRecordToLeadInput, leadFromCsvRecord, type LeadInput, type PhoneCountry } from "@leadline/core";
import { FILE_START, readCsvRecords, UnreadableRow } from "@leadline/core/csv-records";
import { createReadStream } from "node:fs";

/**
 * One data row of the file: a lead ready to send, or why it cannot be sent. `unreadable`: the
 * file cannot be read from this row on (not valid CSV, or a quote left open); it is the last.
 */
export type CsvRow =
  | { line: number; ok: true; lead: LeadInput; phoneNumber: string }
  | { line: number; ok: false; problem: string; unreadable?: true };

/** How rows are judged: `sendInvalid` leaves bad rows to the server (`--on-invalid skip`). */
export interface RowRules {
  sendInvalid?: boolean;
  defaultCountry?: PhoneCountry;
}

/**
 * Maps a CSV record to the lead the API takes (core's mapping, the one
 * import jobs use), or a problem that names the column. With
 * `sendInvalid`, a bad row is still a lead to send, as written, and its
 * phone is reported as written.
 */
export function leadFromRecord(
  record: Record<string, string>,
  rules: RowRules = {},
): { lead: LeadInput; phoneNumber: string } | { problem: string } {
  const checked = leadFromCsvRecord(record, rules.defaultCountry);
  if (checked.ok) return { lead: checked.input, phoneNumber: checked.lead.phoneNumber };
  if (!rules.sendInvalid) return { problem: checked.problem };
  const { input, phoneNumber } = csvRecordToLeadInput(record);
  return { lead: input, phoneNumber: phoneNumber ?? "" };
}

/**
 * Streams the file's rows through core's CSV reader, the one import jobs
 * use: quoted fields, a byte-order mark and CRLF line ends are fine; memory
 * stays flat however long the file is.
 */
export async function* readCsvRows(file: string, rules: RowRules = {}): AsyncGenerator<CsvRow> {
  try {
    for await (const { line, record } of readCsvRecords(createReadStream(file), FILE_START, { hasHeader: true })) {
      const result = leadFromRecord(record, rules);
      yield "problem" in result ? { line, ok: false, problem: result.problem } : { line, ok: true, ...result };
    }
  } catch (error) {
    if (!(error instanceof UnreadableRow)) throw error;
    yield { line: error.line, ok: false, problem: error.message, unreadable: true };
  }
}
