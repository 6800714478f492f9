import { describeIssues } from "../issue-path.ts";
import type { BulkCreateInput } from "../bulk-request-schema.ts";
import { leadInputSchemaFor, type NewLead } from "../lead-schemas.ts";
import type { PhoneCountry } from "../phone.ts";

/** One lead as a caller sends it, before validation. */
export type LeadInput = BulkCreateInput["leads"][number];

/** A row of an import file checked by the bulk path's lead schema: the lead to store, or why not. */
export type CheckedRow = { ok: true; input: LeadInput; lead: NewLead } | { ok: false; problem: string };

// Column names CSV imports understand, case-insensitively; the first three
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

/**
 * Runs the bulk endpoint's lead schema over one lead; the problem reads as
 * the bulk endpoint's, without `leads[i].`. With `defaultCountry`, numbers
 * without `+` are read as its national numbers, as the bulk endpoint reads
 * them with its `defaultCountry` (or the campaign's).
 */
export function checkLeadInput(input: unknown, defaultCountry?: PhoneCountry): CheckedRow {
  const checked = leadInputSchemaFor(defaultCountry).safeParse(input);
  if (checked.success) return { ok: true, input: input as LeadInput, lead: checked.data };
  return { ok: false, problem: describeIssues(checked.error.issues)[0]?.message ?? "invalid row" };
}

/**
 * Maps a CSV record (header → text) to the lead a caller would send: the
 * known columns to their fields, every other column into metadata. A
 * priority that is not an integer is kept as written, and named in
 * `badPriority`, for the caller to refuse or to send as it is.
 */
export function csvRecordToLeadInput(record: Record<string, string>): {
  input: LeadInput;
  phoneNumber: string | undefined;
  badPriority?: string;
} {
  const used = new Set<string>();
  const phoneNumber = pick(record, PHONE_COLUMNS, used);
  const externalId = pick(record, EXTERNAL_ID_COLUMNS, used);
  const priorityText = pick(record, PRIORITY_COLUMNS, used);
  const scheduledFor = pick(record, SCHEDULE_COLUMNS, used);
  const priorityIsInteger = priorityText === undefined || /^-?\d+$/.test(priorityText);
  const metadata: Record<string, string> = {};
  for (const [key, value] of Object.entries(record)) {
    if (!used.has(key) && value.trim() !== "") metadata[key.trim()] = value;
  }
  const input = {
    phoneNumber: phoneNumber as string,
    ...(externalId !== undefined && { externalId }),
    ...(Object.keys(metadata).length > 0 && { metadata }),
    ...(scheduledFor !== undefined && { scheduledFor }),
    ...(priorityText !== undefined && { priority: priorityIsInteger ? Number(priorityText) : priorityText }),
  } as LeadInput;
  return priorityIsInteger ? { input, phoneNumber } : { input, phoneNumber, badPriority: priorityText };
}

/** The problem of a priority column that is not an integer, as the CSV script and import jobs word it. */
export const badPriorityProblem = (text: string): string => `priority must be an integer from 0 to 100, got "${text}"`;

/**
 * Maps a CSV record to a lead checked by the bulk path's schema.
 * `pnpm import:csv` and import jobs share the mapping, so a file means the
 * same thing to both.
 */
export function leadFromCsvRecord(record: Record<string, string>, defaultCountry?: PhoneCountry): CheckedRow {
  const { input, phoneNumber, badPriority } = csvRecordToLeadInput(record);
  if (badPriority !== undefined) return { ok: false, problem: badPriorityProblem(badPriority) };
  const checked = checkLeadInput(input, defaultCountry);
  if (!checked.ok && phoneNumber === undefined && checked.problem.startsWith("phoneNumber")) {
    return { ok: false, problem: "phone column is empty or missing" };
  }
  return checked;
}

/**
 * Parses one NDJSON line as a bulk lead object. Text that is not JSON gets
 * the bulk endpoint's wording for a body that is not JSON.
 */
export function leadFromNdjsonLine(line: string, defaultCountry?: PhoneCountry): CheckedRow {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch (error) {
    return { ok: false, problem: `line is not valid JSON: ${error instanceof Error ? error.message : String(error)}` };
  }
  return checkLeadInput(value, defaultCountry);
}
