import { GridFSBucket, MongoRuntimeError, type Binary, type Db, type ObjectId } from "mongodb";
import { COLLECTION_NAMES } from "./collections.ts";

/** Chunks (255 KiB each by default) fetched per round trip when a file is read. */
const READ_AHEAD_CHUNKS = 4;

/** How storing an upload ended. */
export type StoredUpload = { ok: true; fileId: ObjectId; length: number } | { ok: false; reason: "too_large" };

/**
 * Uploaded import files in GridFS (`bucketName` only for `pnpm db:check`'s scratch bucket). Written with web streams and the
 * driver's own stream events only, so the import worker can read them
 * under Deno as well as Node.
 */
export function createImportFiles(db: Db, bucketName: string = COLLECTION_NAMES.importFilesBucket) {
  const bucket = new GridFSBucket(db, { bucketName });
  const chunksCollection = db.collection(`${bucketName}.chunks`);

  return {
    /**
     * Streams `body` into GridFS as it arrives, never holding it whole.
     * Past `maxBytes` it stops reading and deletes what was written.
     */
    async store(body: ReadableStream<Uint8Array>, filename: string, maxBytes: number): Promise<StoredUpload> {
      const upload = bucket.openUploadStream(filename);
      const finished = new Promise<void>((resolve, reject) => {
        upload.once("finish", () => resolve());
        upload.once("error", reject);
      });
      // An abort may reject `finished` before anyone awaits it.
      finished.catch(() => undefined);
      const reader = body.getReader();
      let length = 0;
      try {
        for (;;) {
          const { done, value } = await reader.read();
          if (done) break;
          length += value.byteLength;
          if (length > maxBytes) {
            await reader.cancel().catch(() => undefined);
            await upload.abort();
            return { ok: false, reason: "too_large" };
          }
          if (!upload.write(value)) await new Promise((resolve) => upload.once("drain", resolve));
        }
        upload.end();
        await finished;
      } catch (error) {
        await upload.abort().catch(() => undefined);
        throw error;
      }
      return { ok: true, fileId: upload.id as ObjectId, length };
    },

    /**
     * The file's bytes from `start` up to `length`; resumed jobs read from their checkpoint.
     * Chunks are fetched READ_AHEAD_CHUNKS at a time: the driver's download stream takes
     * the server's default batch, about 16 MiB of chunks per reply, which alone doubled the
     * import worker's memory.
     */
    async *read(fileId: ObjectId, start: number, length: number): AsyncGenerator<Uint8Array> {
      if (start >= length) return;
      const file = await bucket.find({ _id: fileId }, { limit: 1 }).next();
      if (!file) throw new MongoRuntimeError(`File not found for id ${fileId.toHexString()}`);
      const { chunkSize } = file;
      const end = Math.min(length, file.length);
      let expected = Math.floor(start / chunkSize);
      const chunks = chunksCollection
        .find({ files_id: fileId, n: { $gte: expected } }, { sort: { n: 1 }, batchSize: READ_AHEAD_CHUNKS })
        .project<{ n: number; data: Binary }>({ _id: 0, n: 1, data: 1 });
      try {
        for await (const chunk of chunks) {
          if (chunk.n !== expected)
            throw new MongoRuntimeError(`ChunkIsMissing: got chunk ${chunk.n}, expected ${expected}`);
          const from = chunk.n * chunkSize;
          const bytes = chunk.data.value().subarray(Math.max(0, start - from), Math.max(0, end - from));
          expected += 1;
          if (bytes.byteLength > 0) yield bytes;
          if (from + chunkSize >= end) return;
        }
      } finally {
        await chunks.close();
      }
      throw new MongoRuntimeError(`ChunkIsMissing: the file ends before chunk ${expected}`);
    },

    /** Deletes a file; one already gone is fine. */
    async remove(fileId: ObjectId): Promise<void> {
      try {
        await bucket.delete(fileId);
      } catch (error) {
        if (!(error instanceof MongoRuntimeError && /not found/i.test(error.message))) throw error;
      }
    },

    /** How many files the bucket holds: what a test checks after a refused upload. */
    async count(): Promise<number> {
      return bucket
        .find({})
        .toArray()
        .then((files) => files.length);
    },
  };
}

export type ImportFiles = ReturnType<typeof createImportFiles>;
