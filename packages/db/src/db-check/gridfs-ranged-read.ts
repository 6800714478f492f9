import { createImportFiles } from "../import-files.ts";
import type { DbCheck } from "./types.ts";
import { fail, ok } from "./types.ts";

/** A ranged read of a stored file, compared byte for byte. */
export interface RangedRead {
  start: number;
  end: number;
  /** Bytes the read returned. */
  received: number;
  /** The first offset (from `start`) where they differ from what was stored, or null. */
  mismatchAt: number | null;
}

/** Spans two chunk boundaries at the default 255 KiB chunk size. */
const FILE_BYTES = 600 * 1024;

/** Byte `i` of the test file: not a repeating pattern that a misplaced chunk could match. */
const byteAt = (i: number): number => (i * 31 + (i >> 8) * 7) & 0xff;

/**
 * A file is stored in GridFS and read back from an offset inside its first
 * chunk to one inside its third, through the importer's own reader: a
 * resumed import reads its upload from the checkpoint so.
 */
export const gridfsRangedRead: DbCheck<RangedRead> = {
  name: "GridFS ranged read",
  guardsExactlyOnce: false,
  async run({ db, name }) {
    const files = createImportFiles(db, name("fs"));
    const bytes = Uint8Array.from({ length: FILE_BYTES }, (_, i) => byteAt(i));
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        for (let at = 0; at < bytes.length; at += 64 * 1024) controller.enqueue(bytes.subarray(at, at + 64 * 1024));
        controller.close();
      },
    });
    const stored = await files.store(body, "db-check.bin", FILE_BYTES);
    if (!stored.ok) throw new Error("the test file was refused as too large");
    const start = 100_000;
    const end = FILE_BYTES - 50_000;
    let received = 0;
    let mismatchAt: number | null = null;
    for await (const part of files.read(stored.fileId, start, end)) {
      for (let i = 0; i < part.byteLength && mismatchAt === null; i++) {
        if (part[i] !== byteAt(start + received + i)) mismatchAt = received + i;
      }
      received += part.byteLength;
    }
    await files.remove(stored.fileId);
    return { start, end, received, mismatchAt };
  },
  judge({ start, end, received, mismatchAt }) {
    if (received === end - start && mismatchAt === null) return ok;
    if (mismatchAt !== null) return fail(`bytes ${start}..${end} differ from what was stored at offset ${mismatchAt}`);
    return fail(`bytes ${start}..${end} read back as ${received} bytes, not ${end - start}`);
  },
};
