import {
  leadFromCsvRecord,
  leadFromNdjsonLine,
  MAX_IMPORT_ROW_LENGTH,
  type CheckedRow,
  type PhoneCountry,
} from "@leadline/core";
import { readCsvRecords, UnreadableRow, type ReadStart } from "@leadline/core/csv-records";

export { UnreadableRow };

/** One row of an import file, where it ends in the file, and what the bulk rules make of it. */
export interface SourceRow {
  /** The file line the row ends on (1-based; a CSV header is line 1). */
  line: number;
  /** The byte just after the row: where a resumed job starts reading. */
  endOffset: number;
  /** The row as it was: CSV fields in column order, or the NDJSON line. */
  fields: string[];
  checked: CheckedRow;
}

const NEWLINE = 0x0a;

/**
 * CSV rows from `bytes`, read by core's CSV reader (the one `pnpm import:csv`
 * uses) and mapped by its row mapping. `onColumns` hears the header once, to
 * checkpoint it; an unreadable row ends the rows with {@link UnreadableRow}.
 */
export async function* csvRows(
  bytes: AsyncIterable<Uint8Array>,
  start: ReadStart,
  options: { hasHeader: boolean; defaultCountry?: PhoneCountry; onColumns(columns: string[]): Promise<void> },
): AsyncGenerator<SourceRow> {
  for await (const { line, endOffset, record } of readCsvRecords(bytes, start, options)) {
    yield {
      line,
      endOffset,
      fields: Object.values(record),
      checked: leadFromCsvRecord(record, options.defaultCountry),
    };
  }
}

const BOM = [0xef, 0xbb, 0xbf];

/** NDJSON rows from `bytes`, one per non-blank line, split on bytes so offsets stay exact. */
export async function* ndjsonRows(
  bytes: AsyncIterable<Uint8Array>,
  start: ReadStart,
  defaultCountry?: PhoneCountry,
): AsyncGenerator<SourceRow> {
  const decoder = new TextDecoder();
  let pending = new Uint8Array(0);
  let pendingOffset = start.offset;
  let line = start.line;

  function* lines(final: boolean): Generator<SourceRow> {
    let from = 0;
    for (;;) {
      const newline = pending.indexOf(NEWLINE, from);
      if (newline === -1 && !(final && from < pending.length)) break;
      const end = newline === -1 ? pending.length : newline + 1;
      let text = decoder.decode(pending.subarray(from, end));
      if (pendingOffset + from === 0 && BOM.every((byte, index) => pending[index] === byte)) text = text.slice(1);
      line += 1;
      const trimmed = text.replace(/\r?\n$/, "");
      const row = { line, endOffset: pendingOffset + end, fields: [trimmed] };
      from = end;
      if (trimmed.trim() !== "") yield { ...row, checked: leadFromNdjsonLine(trimmed, defaultCountry) };
    }
    pending = pending.subarray(from);
    pendingOffset += from;
  }

  for await (const chunk of bytes) {
    const joined = new Uint8Array(pending.length + chunk.length);
    joined.set(pending);
    joined.set(chunk, pending.length);
    pending = joined;
    yield* lines(false);
    if (pending.length > MAX_IMPORT_ROW_LENGTH)
      throw new UnreadableRow(
        `line ${line + 1}: the line runs past ${MAX_IMPORT_ROW_LENGTH} bytes without a line break`,
        line + 1,
      );
  }
  yield* lines(true);
}
