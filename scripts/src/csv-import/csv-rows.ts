import {
  badPriorityProblem,
  csvRecordToLeadInput,
  describeIssues,
  leadInputSchemaFor,
  type LeadInput,
  type PhoneCountry,
} from "@leadline/core";
import { parse } from "csv-parse";
import { createReadStream } from "node:fs";

/** One data row of the file: a lead ready to send, or why it cannot be sent. */
export type CsvRow =
  | { line: number; ok: true; lead: LeadInput; phoneNumber: string }
  | { line: number; ok: false; problem: string };

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
  const parser = createReadStream(file).pipe(
    parse({ bom: true, columns: true, info: true, skip_empty_lines: true, relax_column_count: true, trim: false }),
  );
  for await (const { record, info } of parser as AsyncIterable<{
    record: Record<string, string>;
    info: { lines: number };
  }>) {
    const result = leadFromRecord(record, rules);
    yield "problem" in result
      ? { line: info.lines, ok: false, problem: result.problem }
      : { line: info.lines, ok: true, ...result };
  }
}
