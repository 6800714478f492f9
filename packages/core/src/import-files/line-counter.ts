const NEWLINE = 0x0a;

/**
 * Bytes kept behind the newest chunk: csv-parse may emit a record a few bytes after its end
 * (it looks ahead past a closing quote and a line break), so a record may end in bytes fed
 * before the chunk it is parsing. Far more than that look-ahead, far less than a file.
 */
export const LOOK_BACK_BYTES = 64 * 1024;

/**
 * Counts file lines by bytes: csv-parse's own line count runs ahead on a
 * CRLF inside a quoted field, and an error report must name the real line.
 * Asked from the parser's record hook, so records ask close behind what the
 * parser was fed; bytes further back than LOOK_BACK_BYTES are counted and
 * let go, so a run of blank lines, which yields no records, is never held.
 */
export class LineCounter {
  private readonly chunks: Uint8Array[] = [];
  private held = 0;
  private offset: number;
  private newlines = 0;
  private lastByte = NEWLINE;

  /** Counting starts at byte `start` of the file, which begins line `startLine + 1`. */
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
