import { describe, expect, it } from "vitest";
import { FILE_START, readCsvRecords } from "./csv-records.ts";

const QUOTED =
  'phone,note\r\n+12125550001,"two\r\nlines"\r\n\r\n\r\n+12125550002,plain\r\n\r\n\r\n\r\n+12125550003,"a\nb\nc"\r\n+12125550004,end';
// Blank lines well past the line counter's look-back between two rows.
const BLANK_RUN = `phone\n+12125550001\n${"\n".repeat(300_000)}+12125550002\n`;

async function* inPiecesOf(text: string, size: number): AsyncGenerator<Uint8Array> {
  const bytes = new TextEncoder().encode(text);
  for (let at = 0; at < bytes.length; at += size) yield bytes.slice(at, at + size);
}

async function linesRead(text: string, size: number) {
  const rows = [];
  for await (const row of readCsvRecords(inPiecesOf(text, size), FILE_START, { hasHeader: true })) {
    rows.push([row.line, row.endOffset]);
  }
  return rows;
}

describe("readCsvRecords", () => {
  it("names each row's file line and end byte however the file is cut into chunks", async () => {
    const whole = await linesRead(QUOTED, QUOTED.length);
    expect(whole.map(([line]) => line)).toEqual([3, 6, 12, 13]);
    for (const size of [1, 2, 3, 7, 16]) expect(await linesRead(QUOTED, size)).toEqual(whole);
  });

  it("counts a run of blank lines longer than it holds", async () => {
    const expected = [
      [2, 19],
      [300_003, BLANK_RUN.length],
    ];
    for (const size of [1000, 65_537, 261_120]) expect(await linesRead(BLANK_RUN, size)).toEqual(expected);
  });
});
