import { describe, expect, it } from "vitest";
import { claimIndexUse } from "./claim-index-use.ts";
import { concurrentClaim } from "./concurrent-claim.ts";
import { concurrentInc } from "./concurrent-inc.ts";
import { gridfsRangedRead } from "./gridfs-ranged-read.ts";
import { guardedUpdate } from "./guarded-update.ts";
import { expectedDuplicateIndexes, insertManyWriteErrors } from "./insert-many-write-errors.ts";
import { pushSlice } from "./push-slice.ts";
import { ttlIndex } from "./ttl-index.ts";

// The bad figures are FerretDB 1.24's, measured with the suite on its SQLite and PostgreSQL
// backends (issue 22, STACK-NOTES); the good ones are what a correct server returns.
describe("each check's judge", () => {
  it("fails concurrent claims handed out more than once", () => {
    for (const claims of [833, 1008]) {
      expect(concurrentClaim.judge({ documents: 200, claimers: 12, claims, distinct: 200 })).toEqual({
        status: "fail",
        detail: expect.stringMatching(new RegExp(`^12 concurrent claimers were handed ${claims} claims .* of 200`)),
      });
    }
    expect(concurrentClaim.judge({ documents: 200, claimers: 12, claims: 200, distinct: 200 })).toEqual({
      status: "ok",
    });
  });

  it("fails racing guarded updates that modified more documents than exist", () => {
    for (const modified of [53, 168]) {
      expect(guardedUpdate.judge({ documents: 50, attempts: 300, modified })).toMatchObject({
        status: "fail",
        detail: expect.stringContaining(`modified ${modified} of 50`),
      });
    }
    expect(guardedUpdate.judge({ documents: 50, attempts: 300, modified: 50 })).toEqual({ status: "ok" });
  });

  it("fails concurrent $inc that lost increments", () => {
    for (const counted of [35, 40]) {
      expect(concurrentInc.judge({ increments: 400, counted })).toEqual({
        status: "fail",
        detail: `400 concurrent $inc counted ${counted}: increments are lost`,
      });
    }
    expect(concurrentInc.judge({ increments: 400, counted: 400 })).toEqual({ status: "ok" });
  });

  it("fails $push whose $slice was ignored, and one that kept the wrong end", () => {
    const everything = Array.from({ length: 30 }, (_, i) => i + 1);
    expect(pushSlice.judge({ pushed: 30, cap: 20, kept: everything })).toMatchObject({
      status: "fail",
      detail: expect.stringContaining("$slice was ignored"),
    });
    expect(pushSlice.judge({ pushed: 30, cap: 20, kept: everything.slice(0, 20) })).toMatchObject({ status: "fail" });
    expect(pushSlice.judge({ pushed: 30, cap: 20, kept: everything.slice(10) })).toEqual({ status: "ok" });
  });

  it("fails a refused TTL index", () => {
    expect(ttlIndex.judge({ error: "TTL indexes are not supported" })).toMatchObject({
      status: "fail",
      detail: expect.stringContaining("the services cannot start"),
    });
    expect(ttlIndex.judge({ expireAfterSeconds: undefined })).toMatchObject({ status: "fail" });
    expect(ttlIndex.judge({ expireAfterSeconds: 60 })).toEqual({ status: "ok" });
  });

  it("fails write errors at the wrong indexes, without code 11000, or a wrong stored count", () => {
    const existing = [0, 5];
    const batch = [0, 1, 1, 2, 5, 3];
    const duplicates = expectedDuplicateIndexes(existing, batch);
    expect(duplicates).toEqual([0, 2, 4]);
    const errors = duplicates.map((index) => ({ index, code: 11000 }));
    const stored = existing.length + batch.length - duplicates.length;
    expect(insertManyWriteErrors.judge({ existing, batch, errors, stored })).toEqual({ status: "ok" });
    // A server that reports one error per batch, or counts the batch as inserted.
    expect(insertManyWriteErrors.judge({ existing, batch, errors: errors.slice(0, 1), stored })).toMatchObject({
      status: "fail",
      detail: expect.stringContaining("write errors at 1 indexes where 3 duplicates were sent"),
    });
    const shifted = errors.map(({ index }) => ({ index: index + 1, code: 11000 }));
    expect(insertManyWriteErrors.judge({ existing, batch, errors: shifted, stored })).toMatchObject({ status: "fail" });
    const otherCode = errors.map(({ index }) => ({ index, code: 2 }));
    expect(insertManyWriteErrors.judge({ existing, batch, errors: otherCode, stored })).toMatchObject({
      status: "fail",
      detail: expect.stringContaining("3 write errors without code 11000"),
    });
    // An ordered insert in disguise: it stopped at the first duplicate.
    expect(insertManyWriteErrors.judge({ existing, batch, errors: errors.slice(0, 1), stored: 2 })).toMatchObject({
      status: "fail",
      detail: expect.stringContaining(`2 documents stored where ${stored} should be`),
    });
  });

  it("fails a ranged read that returns the wrong bytes or length", () => {
    expect(gridfsRangedRead.judge({ start: 10, end: 110, received: 100, mismatchAt: null })).toEqual({ status: "ok" });
    expect(gridfsRangedRead.judge({ start: 10, end: 110, received: 110, mismatchAt: null })).toMatchObject({
      status: "fail",
    });
    expect(gridfsRangedRead.judge({ start: 10, end: 110, received: 100, mismatchAt: 0 })).toMatchObject({
      status: "fail",
    });
  });

  it("only warns about the claim's index use: no explain, or a collection scan", () => {
    expect(claimIndexUse.judge({ explained: false, error: "no such command: 'explain'" })).toMatchObject({
      status: "warn",
      detail: expect.stringContaining("explain is not supported"),
    });
    expect(claimIndexUse.judge({ explained: true, stages: ["LIMIT", "SORT", "COLLSCAN"] })).toMatchObject({
      status: "warn",
    });
    expect(claimIndexUse.judge({ explained: true, stages: ["LIMIT", "SORT_MERGE", "IXSCAN", "IXSCAN"] })).toEqual({
      status: "ok",
    });
  });
});
