import { ObjectId } from "mongodb";
import type { Collections } from "./collections.ts";
import { isDuplicateKey } from "./database-errors.ts";
import type { IdempotencyRecordDoc, StoredAnswer } from "./documents.ts";

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

export type UnreadClaimRequest = Omit<ClaimRequest, "fingerprint">;

/** A claimed record; `holder` proves the claim when the request stores or releases. */
type ClaimedRecord = { kind: "claimed"; record: IdempotencyRecordDoc; holder: string };

/** What a claim found: go ahead, answer as before, or refuse. */
export type Claim =
  /** This request runs; `holder` proves it when it stores or releases. */
  | { kind: "claimed"; record: IdempotencyRecordDoc; holder: string }
  | { kind: "replay"; answer: StoredAnswer }
  /** The key was used with another body. */
  | { kind: "mismatch" }
  /** Another request with this key is running. */
  | { kind: "running"; retryAfterSeconds: number };

/**
 * The fingerprint of a record claimed before its body was read: a streamed
 * upload is hashed as it arrives, so its key is claimed first (a second
 * request with the key waits, 409) and the fingerprint settled after.
 */
export const UNREAD_FINGERPRINT = "unread";

/** What a claim made before reading the body found. */
export type UnreadClaim =
  | { kind: "claimed"; record: IdempotencyRecordDoc; holder: string }
  /** A finished request with this key: the caller hashes its body and compares, then replays or refuses. */
  | { kind: "completed"; fingerprint: string; answer: StoredAnswer }
  | { kind: "running"; retryAfterSeconds: number };

/** How settling an unread claim's fingerprint went; not `ok`, the record as it now stands (if any). */
export type Settled = { kind: "ok" } | { kind: "refused"; current: IdempotencyRecordDoc | null };

/**
 * Idempotency-Key records: one per account, operation and key, claimed by
 * inserting it (the unique index settles races), completed with the
 * answer, kept `ttlMs`. A record left running by a dead process is taken
 * over once its lease lapses, keeping its `_id`, which is what the leads
 * the dead process stored carry.
 */
export function createIdempotencyRecords({ idempotencyRecords: records }: Collections) {
  async function takeOver(
    existing: IdempotencyRecordDoc,
    request: Pick<ClaimRequest, "now" | "leaseMs">,
  ): Promise<ClaimedRecord | undefined> {
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

  /** {@link judge} for a request whose body is not read yet: the fingerprint cannot be compared, so a finished record is handed back. */
  async function judgeUnread(
    existing: IdempotencyRecordDoc,
    request: UnreadClaimRequest,
  ): Promise<UnreadClaim | undefined> {
    if (existing.expiresAt <= request.now) {
      await records.deleteOne({ _id: existing._id, expiresAt: existing.expiresAt });
      return undefined;
    }
    if (existing.state === "completed" && existing.answer) {
      return { kind: "completed", fingerprint: existing.fingerprint, answer: existing.answer };
    }
    const leaseLeftMs = existing.lockedUntil.getTime() - request.now.getTime();
    if (leaseLeftMs > 0) return { kind: "running", retryAfterSeconds: Math.max(1, Math.ceil(leaseLeftMs / 1000)) };
    return takeOver(existing, request);
  }

  /**
   * The claim both kinds of request make: insert a running record under
   * `fingerprint`, or, when the key is taken, let `judgeExisting` say what
   * the stored record means for this request.
   */
  async function claimRecord<TClaim>(
    request: UnreadClaimRequest,
    fingerprint: string,
    judgeExisting: (existing: IdempotencyRecordDoc) => Promise<TClaim | undefined>,
  ): Promise<TClaim | ClaimedRecord | { kind: "running"; retryAfterSeconds: number }> {
    const scope = { accountId: request.accountId, operation: request.operation, key: request.key };
    // Each round either settles or saw the record vanish (expired, swept) or change hands; a few suffice.
    for (let round = 0; round < 5; round++) {
      const holder = crypto.randomUUID();
      const record: IdempotencyRecordDoc = {
        _id: new ObjectId(),
        ...scope,
        fingerprint,
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
      const claim = existing ? await judgeExisting(existing) : undefined;
      if (claim) return claim;
    }
    return { kind: "running", retryAfterSeconds: 1 };
  }

  return {
    /**
     * {@link claim} before the body has been read (a streamed upload):
     * inserts the record with {@link UNREAD_FINGERPRINT}, so that while this
     * request uploads, another with the key answers 409. The caller settles
     * the fingerprint with {@link settleFingerprint} once the body is read.
     */
    async claimUnread(request: UnreadClaimRequest): Promise<UnreadClaim> {
      return claimRecord(request, UNREAD_FINGERPRINT, (existing) => judgeUnread(existing, request));
    },

    /**
     * Records the fingerprint of an unread claim's body, now read. Refused
     * when the record is no longer this holder's (its lease lapsed and a
     * retry took it over) or it already had another body's fingerprint (a
     * released record of another body, taken over): the current record says
     * which.
     */
    async settleFingerprint(recordId: ObjectId, holder: string, fingerprint: string): Promise<Settled> {
      const result = await records.updateOne(
        { _id: recordId, state: "running", holder, fingerprint: { $in: [UNREAD_FINGERPRINT, fingerprint] } },
        { $set: { fingerprint } },
      );
      if (result.matchedCount === 1) return { kind: "ok" };
      return { kind: "refused", current: await records.findOne({ _id: recordId }) };
    },

    /** Extends a running claim's lease while its request still works (a long upload); false once it is not this holder's. */
    async extendLease(recordId: ObjectId, holder: string, until: Date): Promise<boolean> {
      const result = await records.updateOne(
        { _id: recordId, state: "running", holder },
        { $set: { lockedUntil: until } },
      );
      return result.matchedCount === 1;
    },

    /**
     * Claims `key` for this request, or says why not. Same key and body as
     * a completed request: its answer. A running one: come back later. A
     * different body: mismatch. Concurrent claims of one key: one wins.
     */
    async claim(request: ClaimRequest): Promise<Claim> {
      return claimRecord(request, request.fingerprint, (existing) => judge(existing, request));
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
