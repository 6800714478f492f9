import { MongoServerError, ObjectId } from "mongodb";
import type { Collections } from "./collections.ts";
import type { IdempotencyRecordDoc, StoredAnswer } from "./documents.ts";

const DUPLICATE_KEY = 11000;

/** Which request a key belongs to: the account, the operation and the key itself. */
export interface IdempotencyScope {
  accountId: ObjectId;
  /** The procedure path, e.g. `leads.bulkCreate`: one key may serve several operations. */
  operation: string;
  key: string;
}

export interface ClaimRequest extends IdempotencyScope {
  /** SHA-256 of the request body, hex. */
  fingerprint: string;
  now: Date;
  /** How long the claimant may run before a retry may take over (it is presumed dead). */
  leaseMs: number;
  /** How long the key and its answer are kept. */
  ttlMs: number;
}

/** What a claim found: go ahead, answer as before, or refuse. */
export type Claim =
  /** This request runs; `holder` proves it when it stores or releases. */
  | { kind: "claimed"; record: IdempotencyRecordDoc; holder: string }
  | { kind: "replay"; answer: StoredAnswer }
  /** The key was used with another body. */
  | { kind: "mismatch" }
  /** Another request with this key is running. */
  | { kind: "running"; retryAfterSeconds: number };

const isDuplicateKey = (error: unknown) => error instanceof MongoServerError && error.code === DUPLICATE_KEY;

/**
 * Idempotency-Key records: one per account, operation and key, claimed by
 * inserting it (the unique index settles races), completed with the
 * answer, kept `ttlMs`. A record left running by a dead process is taken
 * over once its lease lapses, keeping its `_id`, which is what the leads
 * the dead process stored carry.
 */
export function createIdempotencyRecords({ idempotencyRecords: records }: Collections) {
  async function takeOver(existing: IdempotencyRecordDoc, request: ClaimRequest): Promise<Claim | undefined> {
    const holder = crypto.randomUUID();
    const taken = await records.findOneAndUpdate(
      { _id: existing._id, state: "running", holder: existing.holder, lockedUntil: existing.lockedUntil },
      { $set: { holder, lockedUntil: new Date(request.now.getTime() + request.leaseMs) } },
      { returnDocument: "after" },
    );
    return taken ? { kind: "claimed", record: taken, holder } : undefined;
  }

  /** What an existing record means for this request; undefined when it is gone and the claim should be tried again. */
  async function judge(existing: IdempotencyRecordDoc, request: ClaimRequest): Promise<Claim | undefined> {
    if (existing.expiresAt <= request.now) {
      // Expired but not yet swept (the TTL monitor runs once a minute, and the test server never does).
      await records.deleteOne({ _id: existing._id, expiresAt: existing.expiresAt });
      return undefined;
    }
    if (existing.fingerprint !== request.fingerprint) return { kind: "mismatch" };
    if (existing.state === "completed" && existing.answer) return { kind: "replay", answer: existing.answer };
    const leaseLeftMs = existing.lockedUntil.getTime() - request.now.getTime();
    if (leaseLeftMs > 0) return { kind: "running", retryAfterSeconds: Math.max(1, Math.ceil(leaseLeftMs / 1000)) };
    return takeOver(existing, request);
  }

  return {
    /**
     * Claims `key` for this request, or says why not. Same key and body as
     * a completed request: its answer. A running one: come back later. A
     * different body: mismatch. Concurrent claims of one key: one wins.
     */
    async claim(request: ClaimRequest): Promise<Claim> {
      const scope = { accountId: request.accountId, operation: request.operation, key: request.key };
      // Each round either settles or saw the record vanish (expired, swept) or change hands; a few suffice.
      for (let round = 0; round < 5; round++) {
        const holder = crypto.randomUUID();
        const record: IdempotencyRecordDoc = {
          _id: new ObjectId(),
          ...scope,
          fingerprint: request.fingerprint,
          state: "running",
          holder,
          lockedUntil: new Date(request.now.getTime() + request.leaseMs),
          createdAt: request.now,
          expiresAt: new Date(request.now.getTime() + request.ttlMs),
        };
        try {
          await records.insertOne(record);
          return { kind: "claimed", record, holder };
        } catch (error) {
          if (!isDuplicateKey(error)) throw error;
        }
        const existing = await records.findOne(scope);
        const claim = existing ? await judge(existing, request) : undefined;
        if (claim) return claim;
      }
      return { kind: "running", retryAfterSeconds: 1 };
    },

    /** Stores the answer; false when another attempt took the record over meanwhile. */
    async complete(recordId: ObjectId, holder: string, answer: StoredAnswer): Promise<boolean> {
      const result = await records.updateOne(
        { _id: recordId, state: "running", holder },
        { $set: { state: "completed", answer, completedAt: new Date() } },
      );
      return result.modifiedCount === 1;
    },

    /**
     * Lets the next request with this key run at once (the answer is not
     * one to keep: 5xx, 409, 429). The record stays, with its `_id`, so the
     * retry recognises leads this attempt stored.
     */
    async release(recordId: ObjectId, holder: string): Promise<void> {
      await records.updateOne({ _id: recordId, state: "running", holder }, { $set: { lockedUntil: new Date(0) } });
    },

    /** Deletes expired records: the sweep that stands in for the TTL index where it does not run. */
    async deleteExpired(now: Date): Promise<number> {
      const result = await records.deleteMany({ expiresAt: { $lte: now } });
      return result.deletedCount;
    },
  };
}

export type IdempotencyRecords = ReturnType<typeof createIdempotencyRecords>;
