import { leadFromCsvRecord, type LeadInput } from "@leadline/core";
import { parse } from "csv-parse";
import { createReadStream } from "node:fs";

/** One data row of the file: a lead ready to send, or why it cannot be sent. */
export type CsvRow =
  | { line: number; ok: true; lead: LeadInput; phoneNumber: string }
  | { line: number; ok: false; problem: string };

/**
 * Streams the file's rows: quoted fields, a byte-order mark and CRLF line
 * ends are fine; memory stays flat however long the file is.
 */
export async function* readCsvRows(file: string): AsyncGenerator<CsvRow> {
  const parser = createReadStream(file).pipe(
    parse({ bom: true, columns: true, info: true, skip_empty_lines: true, relax_column_count: true, trim: false }),
  );
  for await (const { record, info } of parser as AsyncIterable<{
    record: Record<string, string>;
    info: { lines: number };
  }>) {
    const result = leadFromCsvRecord(record);
    yield result.ok
      ? { line: info.lines, ok: true, lead: result.input, phoneNumber: result.lead.phoneNumber }
      : { line: info.lines, ok: false, problem: result.problem };
  }
}
