import { ACTIVE_IMPORT_STATES, type ImportFormat, type ImportOptions } from "@leadline/core";
import { ObjectId, type Filter } from "mongodb";
import { parseObjectId } from "./campaigns.ts";
import type { Collections } from "./collections.ts";
import type { ImportCounters, ImportJobDoc } from "./documents.ts";
import { createImportEvents } from "./import-events.ts";

/**
 * An upload whose API process died mid-body stays `uploading`; after this
 * long it no longer holds one of the account's slots, nor any of its stored-bytes quota.
 */
export const STALE_UPLOAD_MS = 6 * 60 * 60_000;

/** What a worker records after each batch. */
export interface ImportCheckpoint extends ImportCounters {
  bytesProcessed: number;
  line: number;
}

const ZERO_COUNTERS: ImportCounters = { rowsProcessed: 0, created: 0, skipped: 0, suppressed: 0, invalid: 0 };

/**
 * Import jobs. A worker holds a job through a lease (owner and expiry);
 * every write it makes is conditional on still holding it, so a worker
 * whose lease was taken over cannot overwrite the new owner's progress.
 */
export function createImportJobs(collections: Pick<Collections, "importJobs" | "outboxEvents">) {
  const { importJobs } = collections;
  const events = createImportEvents(collections);
  const heldBy = (jobId: ObjectId, workerId: string): Filter<ImportJobDoc> => ({ _id: jobId, leaseOwner: workerId });

  async function leaseNext(workerId: string, leaseMs: number, now: Date): Promise<ImportJobDoc | null> {
    const lease = {
      state: "running" as const,
      leaseOwner: workerId,
      leaseExpiresAt: new Date(now.getTime() + leaseMs),
    };
    const fresh = await importJobs.findOneAndUpdate(
      { state: "queued" },
      { $set: { ...lease, startedAt: now }, $inc: { claims: 1 } },
      { sort: { turn: 1, _id: 1 }, returnDocument: "after" },
    );
    if (fresh) return fresh;
    return importJobs.findOneAndUpdate(
      { state: "running", leaseExpiresAt: { $lte: now } },
      { $set: lease, $inc: { claims: 1 } },
      { sort: { _id: 1 }, returnDocument: "after" },
    );
  }

  /**
   * Starts `claims` again at 1 when the checkpoint has moved since the
   * previous claim (that worker stopped after progress: a deploy, an outage),
   * and notes the checkpoint for the next claim. Only the worker holding the
   * lease writes here, so reading then writing races no one; a crash between
   * the claim and this leaves the old checkpoint noted, and the next claim
   * sees the same progress.
   */
  async function countClaimsWithoutProgress(job: ImportJobDoc, workerId: string): Promise<ImportJobDoc> {
    if (job.claimedAtBytes === job.bytesProcessed) return job;
    const moved = job.claimedAtBytes !== undefined;
    const noted = { claimedAtBytes: job.bytesProcessed, ...(moved && { claims: 1 }) };
    await importJobs.updateOne(heldBy(job._id, workerId), { $set: noted });
    return { ...job, ...noted };
  }

  return {
    /**
     * Records a new upload and takes one of the account's `maxActive` slots,
     * or answers null (and records nothing) when they are taken. Slots go
     * to the oldest jobs, so two uploads racing for the last one cannot both
     * win.
     */
    async reserve(input: {
      accountId: ObjectId;
      campaignId: ObjectId;
      format: ImportFormat;
      options: ImportOptions;
      maxActive: number;
      /** Counted against the account's stored-bytes quota while the body arrives. */
      reservedBytes: number;
    }): Promise<ImportJobDoc | null> {
      const now = new Date();
      const job: ImportJobDoc = {
        _id: new ObjectId(),
        accountId: input.accountId,
        campaignId: input.campaignId,
        state: "uploading",
        format: input.format,
        options: input.options,
        bytesTotal: 0,
        bytesProcessed: 0,
        line: 0,
        claims: 0,
        reservedBytes: input.reservedBytes,
        ...ZERO_COUNTERS,
        createdAt: now,
      };
      await importJobs.insertOne(job);
      const ahead = await importJobs.countDocuments({
        accountId: input.accountId,
        _id: { $lte: job._id },
        $or: [
          { state: { $in: [...ACTIVE_IMPORT_STATES] } },
          { state: "uploading", createdAt: { $gt: new Date(now.getTime() - STALE_UPLOAD_MS) } },
        ],
      });
      if (ahead <= input.maxActive) return job;
      await importJobs.deleteOne({ _id: job._id });
      return null;
    },

    /**
     * The upload arrived whole: the job is queued for a worker, with its
     * turn. Workers claim by turn, so each account's jobs take turns with
     * every other's: the turn is one past the account's last, and never
     * behind the turn last served, so neither a backlog nor a stream of
     * small uploads from one account holds another account's job back.
     */
    async queue(
      job: Pick<ImportJobDoc, "_id" | "accountId">,
      fileId: ObjectId,
      bytesTotal: number,
    ): Promise<ImportJobDoc | null> {
      const [served, own] = await Promise.all([
        importJobs.findOne({ state: { $in: ["running", "completed", "failed"] } }, { sort: { turn: -1 } }),
        importJobs.findOne({ accountId: job.accountId, _id: { $ne: job._id } }, { sort: { turn: -1 } }),
      ]);
      const turn = Math.max(served?.turn ?? 0, (own?.turn ?? -1) + 1);
      return importJobs.findOneAndUpdate(
        { _id: job._id, state: "uploading" },
        { $set: { state: "queued", fileId, bytesTotal, turn }, $unset: { reservedBytes: "" } },
        { returnDocument: "after" },
      );
    },

    /** Forgets an upload that did not arrive whole. */
    async discard(jobId: ObjectId): Promise<void> {
      await importJobs.deleteOne({ _id: jobId, state: "uploading" });
    },

    async findOwned(accountId: ObjectId, importId: string): Promise<ImportJobDoc | null> {
      const id = parseObjectId(importId);
      return id ? importJobs.findOne({ _id: id, accountId, state: { $ne: "uploading" } }) : null;
    },

    async listByCampaign(accountId: ObjectId, campaignId: ObjectId, limit: number): Promise<ImportJobDoc[]> {
      return importJobs
        .find({ accountId, campaignId, state: { $ne: "uploading" } })
        .sort({ _id: -1 })
        .limit(limit)
        .toArray();
    },

    /**
     * Cancels a queued or running job at once. A running job's worker sees
     * it at its next checkpoint, records the batch it was storing, and stops.
     */
    async cancel(accountId: ObjectId, jobId: ObjectId): Promise<ImportJobDoc | null> {
      const now = new Date();
      return importJobs.findOneAndUpdate(
        { _id: jobId, accountId, state: { $in: [...ACTIVE_IMPORT_STATES] } },
        {
          $set: {
            state: "cancelled",
            finishedAt: now,
            error: "Cancelled on request; leads stored before the cancel stay in the campaign",
          },
        },
        { returnDocument: "after" },
      );
    },

    /**
     * Leases the queued job whose turn comes first, or a running one whose
     * worker's lease ran out. Its `claims` counts only the claims that made
     * no progress, so a long import resumed across restarts is not failed
     * for them (see {@link countClaimsWithoutProgress}).
     */
    async claim(workerId: string, leaseMs: number, now = new Date()): Promise<ImportJobDoc | null> {
      const claimed = await leaseNext(workerId, leaseMs, now);
      return claimed && countClaimsWithoutProgress(claimed, workerId);
    },

    /** Extends the lease; false when the job is no longer this worker's (taken over, cancelled). */
    async renew(jobId: ObjectId, workerId: string, leaseMs: number): Promise<boolean> {
      const result = await importJobs.updateOne(
        { ...heldBy(jobId, workerId), state: "running" },
        { $set: { leaseExpiresAt: new Date(Date.now() + leaseMs) } },
      );
      return result.matchedCount === 1;
    },

    /** Remembers the CSV header, so a resumed job can parse from the middle of the file. */
    async setColumns(jobId: ObjectId, workerId: string, columns: string[]): Promise<void> {
      await importJobs.updateOne(heldBy(jobId, workerId), { $set: { columns } });
    },

    /**
     * Records a batch's progress and extends the lease. Answers the job as
     * it now stands (its state says whether it was cancelled meanwhile), or
     * null when another worker holds it.
     */
    async checkpoint(
      jobId: ObjectId,
      workerId: string,
      checkpoint: ImportCheckpoint,
      leaseMs: number,
    ): Promise<ImportJobDoc | null> {
      return importJobs.findOneAndUpdate(
        { ...heldBy(jobId, workerId), state: { $in: ["running", "cancelled"] } },
        { $set: { ...checkpoint, leaseExpiresAt: new Date(Date.now() + leaseMs) } },
        { returnDocument: "after" },
      );
    },

    /** Ends a running job, completed or failed, and lets go of it; null when the job is no longer this worker's to end. */
    async finish(
      jobId: ObjectId,
      workerId: string,
      outcome: { state: "completed" | "failed"; error?: string | undefined },
    ): Promise<ImportJobDoc | null> {
      const now = new Date();
      const type = `import.${outcome.state}` as const;
      // The end's event, owed by this same update and written only once it applied: a job
      // cancelled or taken over meanwhile ends no way and announces nothing.
      const pendingEvent = { id: `${type}:${jobId.toHexString()}`, type, at: now };
      const ended = await importJobs.findOneAndUpdate(
        { ...heldBy(jobId, workerId), state: "running" },
        {
          $set: { state: outcome.state, finishedAt: now, pendingEvent, ...(outcome.error && { error: outcome.error }) },
          $unset: { leaseOwner: "", leaseExpiresAt: "" },
        },
        { returnDocument: "after" },
      );
      if (ended) await events.publish(ended);
      return ended;
    },

    /** Lets go of a job without changing its state (it was cancelled meanwhile). */
    async release(jobId: ObjectId, workerId: string): Promise<void> {
      await importJobs.updateOne(heldBy(jobId, workerId), { $unset: { leaseOwner: "", leaseExpiresAt: "" } });
    },

    /** The job as last checkpointed, if `workerId` still holds it. */
    async heldState(jobId: ObjectId, workerId: string): Promise<ImportJobDoc | null> {
      return importJobs.findOne(heldBy(jobId, workerId));
    },

    /**
     * Jobs that still have their file and no longer need it: failed or
     * cancelled ones once no live worker holds them (a cancelled job's
     * worker may still be reading), completed ones `retentionMs` after.
     */
    async filesDueForDeletion(retentionMs: number, now = new Date(), limit = 100): Promise<ImportJobDoc[]> {
      return importJobs
        .find({
          fileId: { $exists: true },
          $or: [
            { state: "completed", finishedAt: { $lte: new Date(now.getTime() - retentionMs) } },
            { state: { $in: ["failed", "cancelled"] }, leaseOwner: { $exists: false } },
            { state: { $in: ["failed", "cancelled"] }, leaseExpiresAt: { $lte: now } },
          ],
        })
        .limit(limit)
        .toArray();
    },

    async forgetFile(jobId: ObjectId): Promise<void> {
      await importJobs.updateOne({ _id: jobId }, { $unset: { fileId: "" } });
    },
  };
}

export type ImportJobs = ReturnType<typeof createImportJobs>;
