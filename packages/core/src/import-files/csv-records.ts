// csv-parse's web-stream parser: a TransformStream, the global one under Node and Deno alike
// (its module names it through `node:stream/web`, which Deno serves too).
import { CsvError, parse, type Options } from "csv-parse/stream";
import { MAX_IMPORT_ROW_LENGTH } from "../import-schemas.ts";
import { LineCounter } from "./line-counter.ts";

/** One record of a CSV file and where it ends in the file. */
export interface CsvRecord {
  /** The file line the record ends on (1-based; a header is line 1). */
  line: number;
  /** The byte just after the record: where a resumed read starts. */
  endOffset: number;
  /** Column name → field, in column order. */
  record: Record<string, string>;
}

/** Where reading starts: the file's beginning or a checkpoint. */
export interface ReadStart {
  offset: number;
  /** Lines before `offset` (0 at the beginning). */
  line: number;
  /** CSV column names; read from the header when starting at the beginning. */
  columns: string[] | undefined;
}

/** The beginning of a file. */
export const FILE_START: ReadStart = { offset: 0, line: 0, columns: undefined };

/** Column names of a CSV without a header row. */
export const HEADERLESS_COLUMNS = ["phone", "externalId", "priority", "scheduledFor"];

/**
 * The file cannot be read past a row: it is not valid CSV there, or the row is longer than
 * MAX_IMPORT_ROW_LENGTH. Every row before it has been read; the message names the line.
 */
export class UnreadableRow extends Error {
  constructor(
    message: string,
    /** The line the unreadable row starts on. */
    readonly line: number,
  ) {
    super(message);
  }
}

/**
 * What to tell the caller when the CSV parser gives up on a file, from csv-parse's `CsvError`
 * (its `code` and message) and the line the row it stopped in starts on; reading stops there.
 */
export function csvParseProblem(error: { code?: string; message: string }, rowStartLine: number): string {
  if (error.code === "CSV_MAX_RECORD_SIZE")
    return `line ${rowStartLine}: the row runs past ${MAX_IMPORT_ROW_LENGTH} characters; is a quote left open?`;
  return `line ${rowStartLine}: the file is not valid CSV from here: ${error.message}`;
}

/** How a file is read: with or without a header row, which `onColumns` hears once. */
export interface CsvReadOptions {
  hasHeader: boolean;
  onColumns?(columns: string[]): Promise<void> | void;
}

/**
 * The records of a CSV file, streamed: quotes, a BOM and CRLF are handled,
 * lines are counted by bytes, and memory stays flat however long the file
 * or its runs of blank lines. From a checkpoint the header is not there to
 * read, so the stored column names are used. A file that stops being CSV,
 * or a row past MAX_IMPORT_ROW_LENGTH, ends the records with
 * {@link UnreadableRow}, after every record before it.
 *
 * `pnpm import:csv` and import jobs both read files through this, so a file
 * means the same thing to both.
 */
export async function* readCsvRecords(
  bytes: AsyncIterable<Uint8Array>,
  start: ReadStart,
  options: CsvReadOptions,
): AsyncGenerator<CsvRecord> {
  const fromStart = start.offset === 0;
  let header: string[] | undefined;
  const columns = fromStart
    ? options.hasHeader
      ? (names: string[]) => (header = names.map((name) => name.trim()))
      : HEADERLESS_COLUMNS
    : (start.columns ?? HEADERLESS_COLUMNS);
  // Records the parser has produced and this loop not yet read: when the parser fails on a row,
  // its stream drops what it still buffers, and the rows before the failure must still be read.
  const unread: CsvRecord[] = [];
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
      const endOffset = start.offset + context.bytes;
      const parsed = { line: lines.lineEndingAt(endOffset), endOffset, record };
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
    if (header) await options.onColumns?.(header);
  };
  let lastLine = start.line;
  try {
    for await (const parsed of parser.readable as unknown as AsyncIterable<CsvRecord>) {
      unread.shift();
      if (!announced) await announce();
      lastLine = parsed.line;
      yield parsed;
    }
  } catch (error) {
    if (!(error instanceof CsvError)) throw error;
    if (!announced && unread.length > 0) await announce();
    for (const parsed of unread.splice(0)) {
      lastLine = parsed.line;
      yield parsed;
    }
    throw new UnreadableRow(csvParseProblem(error, lastLine + 1), lastLine + 1);
  }
  if (!announced) await announce();
  await feeding;
}
