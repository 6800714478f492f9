import {
  csvParseProblem,
  leadFromCsvRecord,
  leadFromNdjsonLine,
  MAX_IMPORT_ROW_LENGTH,
  type CheckedRow,
  type PhoneCountry,
} from "@leadline/core";
import { CsvError, parse, type Options } from "csv-parse/stream";

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
 * The file cannot be read past a row: it is not valid CSV there, or the row is longer than
 * MAX_IMPORT_ROW_LENGTH. The job stores the rows before it and fails with this message.
 */
export class UnreadableRow extends Error {}

/** Where reading starts: the file's beginning or a checkpoint. */
export interface ReadStart {
  offset: number;
  line: number;
  /** CSV column names; read from the header when starting at the beginning. */
  columns: string[] | undefined;
}

/**
 * Bytes kept behind the newest chunk: csv-parse may emit a record a few bytes after its end
 * (it looks ahead past a closing quote and a line break), so a record may end in bytes fed
 * before the chunk it is parsing. Far more than that look-ahead, far less than a file.
 */
const LOOK_BACK_BYTES = 64 * 1024;

/**
 * Counts file lines by bytes: csv-parse's own line count runs ahead on a
 * CRLF inside a quoted field, and an error report must name the real line.
 * Asked from the parser's record hook, so records ask close behind what the
 * parser was fed; bytes further back than LOOK_BACK_BYTES are counted and
 * let go, so a run of blank lines, which yields no records, is never held.
 */
class LineCounter {
  private readonly chunks: Uint8Array[] = [];
  private held = 0;
  private offset: number;
  private newlines = 0;
  private lastByte = NEWLINE;

  constructor(
    start: number,
    private readonly startLine: number,
  ) {
    this.offset = start;
  }

  /** The parser is about to read `chunk`, and has read every chunk fed before it. */
  feed(chunk: Uint8Array): void {
    if (this.held > LOOK_BACK_BYTES) this.lineEndingAt(this.offset + this.held - LOOK_BACK_BYTES);
    this.chunks.push(chunk);
    this.held += chunk.length;
  }

  /** The line a row ending just before `endOffset` ends on; rows are asked in file order. */
  lineEndingAt(endOffset: number): number {
    while (this.offset < endOffset) {
      const chunk = this.chunks[0]!;
      const take = Math.min(chunk.length, endOffset - this.offset);
      for (let i = 0; i < take; i++) if (chunk[i] === NEWLINE) this.newlines += 1;
      this.lastByte = chunk[take - 1]!;
      this.offset += take;
      this.held -= take;
      if (take === chunk.length) this.chunks.shift();
      else this.chunks[0] = chunk.subarray(take);
    }
    return this.startLine + this.newlines + (this.lastByte === NEWLINE ? 0 : 1);
  }
}

/** Column names of a CSV without a header row. */
export const HEADERLESS_COLUMNS = ["phone", "externalId", "priority", "scheduledFor"];

/**
 * CSV rows from `bytes` with csv-parse's web-stream parser: quotes, a BOM
 * and CRLF are handled. From a checkpoint the header is not there to read,
 * so the stored column names are used; `onColumns` hears the header once.
 */
export async function* csvRows(
  bytes: AsyncIterable<Uint8Array>,
  start: ReadStart,
  options: { hasHeader: boolean; defaultCountry?: PhoneCountry; onColumns(columns: string[]): Promise<void> },
): AsyncGenerator<SourceRow> {
  const fromStart = start.offset === 0;
  let header: string[] | undefined;
  const columns = fromStart
    ? options.hasHeader
      ? (names: string[]) => (header = names.map((name) => name.trim()))
      : HEADERLESS_COLUMNS
    : (start.columns ?? HEADERLESS_COLUMNS);
  type Parsed = { record: Record<string, string>; bytes: number; line: number };
  // Records the parser has produced and this loop not yet read: when the parser fails on a row,
  // its stream drops what it still buffers, and the rows before the failure must still be stored.
  const unread: Parsed[] = [];
  const lines = new LineCounter(start.offset, start.line);
  const parser = parse({
    bom: fromStart,
    columns,
    skip_empty_lines: true,
    relax_column_count: true,
    max_record_size: MAX_IMPORT_ROW_LENGTH,
    // The byte offset comes from the hook's context rather than `info: true`, which builds a
    // second info object per record; csv-parse's types expect the hook to return a record.
    on_record: ((record: Record<string, string>, context: { bytes: number }) => {
      const parsed = { record, bytes: context.bytes, line: lines.lineEndingAt(start.offset + context.bytes) };
      unread.push(parsed);
      return parsed;
    }) as unknown as Options["on_record"],
  });
  const writer = parser.writable.getWriter();
  const feeding = (async () => {
    for await (const chunk of bytes) {
      lines.feed(chunk);
      await writer.write(chunk);
    }
    await writer.close();
  })();
  // Through the writer, which holds the lock: a read error must end the parse, not leave it waiting.
  feeding.catch((error: unknown) => writer.abort(error).catch(() => undefined));
  // The header is known by the first record (or the end of a file without any): heard once.
  let announced = false;
  const announce = async () => {
    announced = true;
    if (header) await options.onColumns(header);
  };
  let lastLine = start.line;
  const toRow = ({ record, bytes, line }: Parsed): SourceRow => {
    lastLine = line;
    return {
      line,
      endOffset: start.offset + bytes,
      fields: Object.values(record),
      checked: leadFromCsvRecord(record, options.defaultCountry),
    };
  };
  try {
    for await (const parsed of parser.readable as unknown as AsyncIterable<Parsed>) {
      unread.shift();
      if (!announced) await announce();
      yield toRow(parsed);
    }
  } catch (error) {
    if (!(error instanceof CsvError)) throw error;
    if (!announced && unread.length > 0) await announce();
    for (const parsed of unread.splice(0)) yield toRow(parsed);
    throw new UnreadableRow(csvParseProblem(error, lastLine + 1));
  }
  if (!announced) await announce();
  await feeding;
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
      );
  }
  yield* lines(true);
}
