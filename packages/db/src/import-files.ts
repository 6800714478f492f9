import { GridFSBucket, MongoRuntimeError, type Db, type ObjectId } from "mongodb";
import { COLLECTION_NAMES } from "./collections.ts";

/** How storing an upload ended. */
export type StoredUpload = { ok: true; fileId: ObjectId; length: number } | { ok: false; reason: "too_large" };

/**
 * Uploaded import files in GridFS. Written with web streams and the
 * driver's own stream events only, so the import worker can read them
 * under Deno as well as Node.
 */
export function createImportFiles(db: Db) {
  const bucket = new GridFSBucket(db, { bucketName: COLLECTION_NAMES.importFilesBucket });

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

    /** The file's bytes from `start` on; resumed jobs read from their checkpoint. */
    async *read(fileId: ObjectId, start: number, length: number): AsyncGenerator<Uint8Array> {
      if (start >= length) return;
      // The driver refuses `start` without `end` (see STACK-NOTES).
      yield* bucket.openDownloadStream(fileId, { start, end: length }) as AsyncIterable<Uint8Array>;
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
