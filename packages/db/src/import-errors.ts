import { ObjectId } from "mongodb";
import type { Collections } from "./collections.ts";
import type { ImportErrorDoc } from "./documents.ts";

/** One rejected row, as the worker reports it. */
export type ImportRowError = Omit<ImportErrorDoc, "_id" | "importId">;

/** The rejected rows of import jobs: each job's error report. */
export function createImportErrors({ importErrors }: Pick<Collections, "importErrors">) {
  return {
    async add(importId: ObjectId, rows: readonly ImportRowError[]): Promise<void> {
      if (rows.length === 0) return;
      await importErrors.insertMany(
        rows.map((row) => ({ _id: new ObjectId(), importId, ...row })),
        { ordered: false },
      );
    },

    /**
     * Forgets errors past a checkpoint's line: a resumed job reports those
     * rows again, and each must appear once.
     */
    async removeAfterLine(importId: ObjectId, line: number): Promise<void> {
      await importErrors.deleteMany({ importId, line: { $gt: line } });
    },

    /** The report in file order, read in pages as the caller consumes it. */
    async *inLineOrder(importId: ObjectId): AsyncGenerator<ImportErrorDoc> {
      yield* importErrors.find({ importId }).sort({ line: 1 });
    },
  };
}

export type ImportErrors = ReturnType<typeof createImportErrors>;
