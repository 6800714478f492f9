import {
  badPriorityProblem,
  csvParseProblem,
  csvRecordToLeadInput,
  describeIssues,
  leadInputSchemaFor,
  MAX_IMPORT_ROW_LENGTH,
  type LeadInput,
  type PhoneCountry,
} from "@leadline/core";
import { CsvError, parse } from "csv-parse";
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
 * Maps a CSV record to the lead the API takes, or a problem that names the
 * column. With `sendInvalid`, a bad row is still a lead to send, as written,
 * and its phone is reported as written.
 */
export function leadFromRecord(
  record: Record<string, string>,
  rules: RowRules = {},
): { lead: LeadInput; phoneNumber: string } | { problem: string } {
  const { input: lead, phoneNumber, badPriority } = csvRecordToLeadInput(record);
  if (badPriority !== undefined && !rules.sendInvalid) return { problem: badPriorityProblem(badPriority) };
  // The API's own schema, so a row that passes here will pass there.
  const checked = leadInputSchemaFor(rules.defaultCountry).safeParse(lead);
  if (!checked.success && rules.sendInvalid) return { lead, phoneNumber: phoneNumber ?? "" };
  if (!checked.success) {
    const first = describeIssues(checked.error.issues)[0];
    const problem = first?.message ?? "invalid row";
    return {
      problem:
        phoneNumber === undefined && problem.startsWith("phoneNumber") ? "phone column is empty or missing" : problem,
    };
  }
  return { lead, phoneNumber: checked.data.phoneNumber };
}

/**
 * Streams the file's rows: quoted fields, a byte-order mark and CRLF line
 * ends are fine; memory stays flat however long the file is.
 */
export async function* readCsvRows(file: string, rules: RowRules = {}): AsyncGenerator<CsvRow> {
  type Parsed = { record: Record<string, string>; line: number };
  // Records the parser has produced and this loop not yet read: when the parser fails on a row,
  // its stream drops what it still buffers, and the rows before the failure must still be sent.
  const unread: Parsed[] = [];
  const parser = createReadStream(file).pipe(
    parse({
      bom: true,
      columns: true,
      skip_empty_lines: true,
      relax_column_count: true,
      trim: false,
      max_record_size: MAX_IMPORT_ROW_LENGTH,
      // The line comes from the hook's context rather than `info: true`, which builds a
      // second info object per record.
      on_record: (record: Record<string, string>, context: { lines: number }) => {
        const parsed = { record, line: context.lines };
        unread.push(parsed);
        return parsed;
      },
    }),
  );
  const toRow = ({ record, line }: Parsed): CsvRow => {
    const result = leadFromRecord(record, rules);
    return "problem" in result ? { line, ok: false, problem: result.problem } : { line, ok: true, ...result };
  };
  let lastLine = 1;
  try {
    for await (const parsed of parser as AsyncIterable<Parsed>) {
      unread.shift();
      lastLine = parsed.line;
      yield toRow(parsed);
    }
  } catch (error) {
    if (!(error instanceof CsvError)) throw error;
    for (const parsed of unread.splice(0)) {
      lastLine = parsed.line;
      yield toRow(parsed);
    }
    yield { line: lastLine + 1, ok: false, problem: csvParseProblem(error, lastLine + 1), unreadable: true };
  }
}
