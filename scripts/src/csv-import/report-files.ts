import { createWriteStream, type WriteStream } from "node:fs";
import { once } from "node:events";
import { csvCell } from "@leadline/core";

/**
 * A CSV file written line by line, created only when the first line comes.
 * Its fields come from the imported file, so formulas in them are
 * neutralised for whoever opens the report in a spreadsheet.
 */
export class ReportFile {
  private stream: WriteStream | undefined;
  lines = 0;

  constructor(
    readonly path: string,
    private readonly header: string[],
  ) {}

  async write(fields: string[]): Promise<void> {
    if (!this.stream) {
      this.stream = createWriteStream(this.path);
      this.stream.write(`${this.header.join(",")}\n`);
    }
    this.lines++;
    if (!this.stream.write(`${fields.map(csvCell).join(",")}\n`)) await once(this.stream, "drain");
  }

  async close(): Promise<void> {
    if (!this.stream) return;
    this.stream.end();
    await once(this.stream, "finish");
  }
}
