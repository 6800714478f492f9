import { describe, expect, it } from "vitest";
import { ObjectId, type ImportJobDoc } from "@leadline/db";
import { useTestDatabase, type TestDatabase } from "../support/database.ts";

// An import's webhook event was written before the job's end was recorded, by a protocol of its
// own: a job cancelled (or taken over) as its worker finished it still announced import.completed.
// Its end now follows the one protocol of every event (owed-events.ts): the finishing update marks
// the event owed, only an update that applied writes it, and a crash in between is swept up later.

/** A job `workerId` is working, inserted straight into the database. */
async function runningJob(db: TestDatabase, workerId: string): Promise<ImportJobDoc> {
  const now = new Date();
  const job = {
    _id: new ObjectId(),
    accountId: new ObjectId(),
    campaignId: new ObjectId(),
    state: "running",
    format: "csv",
    options: {},
    bytesTotal: 10,
    bytesProcessed: 10,
    line: 2,
    claims: 1,
    leaseOwner: workerId,
    leaseExpiresAt: new Date(now.getTime() + 60_000),
    rowsProcessed: 1,
    created: 1,
    skipped: 0,
    suppressed: 0,
    invalid: 0,
    createdAt: now,
  } as unknown as ImportJobDoc;
  await db.repos.collections.importJobs.insertOne(job);
  return job;
}

const eventsOf = (db: TestDatabase, job: ImportJobDoc) =>
  db.repos.collections.outboxEvents.find({ "payload.import.id": job._id.toHexString() }).toArray();

describe("an import's end and its webhook event", () => {
  const db = useTestDatabase("issue_22_import_event");

  it("the end writes its event; one cut off by a crash is recovered once", async () => {
    const job = await runningJob(db, "w");
    const ended = await db.repos.importJobs.finish(job._id, "w", { state: "failed", error: "bad file" });
    expect(ended?.state).toBe("failed");
    const id = `import.failed:${job._id.toHexString()}`;
    expect(await eventsOf(db, job)).toMatchObject([
      {
        _id: id,
        type: "import.failed",
        payload: { import: { id: job._id.toHexString(), state: "failed", error: "bad file" } },
      },
    ]);
    // As if the process died between the job's update and the outbox insert.
    await db.repos.collections.outboxEvents.deleteOne({ _id: id });
    expect(await db.repos.importEvents.recoverPending(new Date())).toBe(0); // not yet a minute old
    const later = new Date(Date.now() + 2 * 60_000);
    expect(await db.repos.importEvents.recoverPending(later)).toBe(1);
    expect(await eventsOf(db, job)).toMatchObject([{ _id: id, type: "import.failed" }]);
    expect((await db.repos.collections.importJobs.findOne({ _id: job._id }))?.pendingEvent).toBeUndefined();
    expect(await db.repos.importEvents.recoverPending(later)).toBe(0);
    expect(await eventsOf(db, job)).toHaveLength(1);
  });

  it("a job cancelled as its worker finished it announces nothing", async () => {
    const job = await runningJob(db, "w");
    expect(await db.repos.importJobs.cancel(job.accountId, job._id)).not.toBeNull();
    expect(await db.repos.importJobs.finish(job._id, "w", { state: "completed" })).toBeNull();
    expect(await eventsOf(db, job)).toEqual([]);
    expect((await db.repos.collections.importJobs.findOne({ _id: job._id }))?.state).toBe("cancelled");
  });
});
