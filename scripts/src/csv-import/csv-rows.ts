import { describeIssues, leadInputSchemaFor, type BulkCreateInput, type PhoneCountry } from "@leadline/core";
import { parse } from "csv-parse";
import { createReadStream } from "node:fs";

type LeadInput = BulkCreateInput["leads"][number];

/** One data row of the file: a lead ready to send, or why it cannot be sent. */
export type CsvRow =
  | { line: number; ok: true; lead: LeadInput; phoneNumber: string }
  | { line: number; ok: false; problem: string };

// Column names this script understands, case-insensitively; the first three
// are the docs' Python example's. Every other column goes into metadata.
const PHONE_COLUMNS = ["phone", "phonenumber", "phone_number"];
const EXTERNAL_ID_COLUMNS = ["id", "externalid", "external_id"];
const PRIORITY_COLUMNS = ["priority"];
const SCHEDULE_COLUMNS = ["scheduledfor", "scheduled_for"];

function pick(record: Record<string, string>, names: readonly string[], used: Set<string>): string | undefined {
  for (const key of Object.keys(record)) {
    if (names.includes(key.trim().toLowerCase())) {
      used.add(key);
      const value = record[key]?.trim();
      return value === "" ? undefined : value;
    }
  }
  return undefined;
}

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
  const used = new Set<string>();
  const phoneNumber = pick(record, PHONE_COLUMNS, used);
  const externalId = pick(record, EXTERNAL_ID_COLUMNS, used);
  const priorityText = pick(record, PRIORITY_COLUMNS, used);
  const scheduledFor = pick(record, SCHEDULE_COLUMNS, used);
  const priorityIsInteger = priorityText === undefined || /^-?\d+$/.test(priorityText);
  if (!priorityIsInteger && !rules.sendInvalid) {
    return { problem: `priority must be an integer from 0 to 100, got "${priorityText}"` };
  }
  const metadata: Record<string, string> = {};
  for (const [key, value] of Object.entries(record)) {
    if (!used.has(key) && value.trim() !== "") metadata[key.trim()] = value;
  }
  const lead: LeadInput = {
    phoneNumber: phoneNumber as string,
    ...(externalId !== undefined && { externalId }),
    ...(Object.keys(metadata).length > 0 && { metadata }),
    ...(scheduledFor !== undefined && { scheduledFor }),
    ...(priorityText !== undefined && { priority: priorityIsInteger ? Number(priorityText) : priorityText }),
  } as LeadInput;
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
