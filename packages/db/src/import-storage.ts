import type { ObjectId } from "mongodb";
import type { Collections } from "./collections.ts";
import type { ImportJobDoc } from "./documents.ts";
import { STALE_UPLOAD_MS } from "./import-jobs.ts";

/**
 * What an account's imports keep in GridFS, for IMPORT_MAX_STORED_BYTES:
 * the files still stored (jobs queued, running, or ended and not yet
 * deleted) and what uploads still arriving may add.
 */
export function createImportStorage({ importJobs }: Pick<Collections, "importJobs">) {
  const sum = async (match: object, field: "$bytesTotal" | "$reservedBytes") => {
    const [total] = await importJobs
      .aggregate<{ bytes: number }>([{ $match: match }, { $group: { _id: null, bytes: { $sum: field } } }])
      .toArray();
    return total?.bytes ?? 0;
  };

  return {
    /**
     * Bytes the account's imports hold or may still add, leaving out
     * `exceptJobId`'s own reservation. Every other upload's reservation is
     * counted, whichever started first, so two racing uploads cannot both
     * take the same room.
     */
    async storedBytes(accountId: ObjectId, exceptJobId: ObjectId, now = new Date()): Promise<number> {
      const [stored, arriving] = await Promise.all([
        sum({ accountId, fileId: { $exists: true } }, "$bytesTotal"),
        sum(
          {
            accountId,
            _id: { $ne: exceptJobId },
            state: "uploading",
            createdAt: { $gt: new Date(now.getTime() - STALE_UPLOAD_MS) },
          },
          "$reservedBytes",
        ),
      ]);
      return stored + arriving;
    },

    /** The account's completed jobs that still keep their file, oldest first: what may go early to make room. */
    async retainedFiles(accountId: ObjectId, limit = 20): Promise<ImportJobDoc[]> {
      return importJobs
        .find({ accountId, state: "completed", fileId: { $exists: true } })
        .sort({ finishedAt: 1 })
        .limit(limit)
        .toArray();
    },

    /** Lowers an upload's reservation to what it was granted. */
    async reserveBytes(jobId: ObjectId, bytes: number): Promise<void> {
      await importJobs.updateOne({ _id: jobId, state: "uploading" }, { $set: { reservedBytes: bytes } });
    },
  };
}

export type ImportStorage = ReturnType<typeof createImportStorage>;
