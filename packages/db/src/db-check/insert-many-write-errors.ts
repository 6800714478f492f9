import { MongoBulkWriteError } from "mongodb";
import { DUPLICATE_KEY } from "../database-errors.ts";
import type { DbCheck } from "./types.ts";
import { fail, ok } from "./types.ts";

/** An unordered insert into a uniquely indexed collection, and what the server said about it. */
export interface UnorderedInsert {
  /** Keys stored before the insert. */
  existing: number[];
  /** The inserted documents' keys, in order. */
  batch: number[];
  /** The write errors reported, as `index` and `code`. */
  errors: { index: number; code: number | undefined }[];
  /** Documents stored afterwards. */
  stored: number;
}

const COUNTS = { full: 1_000, quick: 60 };

/** Every third key repeats the one before it, and every fifth is already stored. */
function keysFor(size: number): { existing: number[]; batch: number[] } {
  const batch = Array.from({ length: size }, (_, i) => (i % 3 === 2 ? i - 1 : i));
  return { existing: [...new Set(batch.filter((key) => key % 5 === 0))], batch };
}

/** The indexes a correct server reports as duplicates. */
export function expectedDuplicateIndexes(existing: readonly number[], batch: readonly number[]): number[] {
  const seen = new Set(existing);
  return batch.flatMap((key, index) => {
    if (seen.has(key)) return [index];
    seen.add(key);
    return [];
  });
}

/**
 * One `insertMany(docs, { ordered: false })` against a unique index: it must
 * carry on past duplicates and name each one by its `index` with code 11000.
 * That is how bulk ingest and imports tell created leads from skipped ones
 * (the reply's `n` is not read: some servers get it wrong).
 */
export const insertManyWriteErrors: DbCheck<UnorderedInsert> = {
  name: "unordered insertMany write-error indexes",
  guardsExactlyOnce: true,
  async run({ db, name }, size) {
    const { existing, batch } = keysFor(COUNTS[size]);
    const docs = db.collection<{ key: number }>(name("insert_many_duplicates"));
    await docs.createIndex({ key: 1 }, { unique: true, name: "key_unique" });
    await docs.insertMany(existing.map((key) => ({ key })));
    let errors: UnorderedInsert["errors"] = [];
    try {
      await docs.insertMany(
        batch.map((key) => ({ key })),
        { ordered: false },
      );
    } catch (error) {
      if (!(error instanceof MongoBulkWriteError)) throw error;
      const writeErrors = Array.isArray(error.writeErrors) ? error.writeErrors : [error.writeErrors];
      errors = writeErrors.map((e) => ({ index: e.index, code: e.code }));
    }
    const stored = await docs.countDocuments();
    await docs.drop();
    return { existing, batch, errors, stored };
  },
  judge({ existing, batch, errors, stored }) {
    const expected = expectedDuplicateIndexes(existing, batch);
    const reported = errors.map((e) => e.index).sort((a, b) => a - b);
    const problems: string[] = [];
    if (reported.join() !== expected.join()) {
      problems.push(`write errors at ${reported.length} indexes where ${expected.length} duplicates were sent`);
    }
    const notDuplicateKey = errors.filter((e) => e.code !== DUPLICATE_KEY).length;
    if (notDuplicateKey > 0) problems.push(`${notDuplicateKey} write errors without code ${DUPLICATE_KEY}`);
    const expectedStored = existing.length + batch.length - expected.length;
    if (stored !== expectedStored) problems.push(`${stored} documents stored where ${expectedStored} should be`);
    if (problems.length === 0) return ok;
    return fail(`${problems.join("; ")}: created and skipped leads would be miscounted`);
  },
};
