import {
  AppError,
  ERROR_CODES,
  IMPORT_FORMATS,
  importOptionsSchema,
  readUpTo,
  type ImportFormat,
  type ImportOptions,
  type ImportView,
} from "@leadline/core";
import { UNREAD_FINGERPRINT, type ObjectId, type StoredAnswer } from "@leadline/db";
import { authenticate } from "../auth/authenticate.ts";
import { canonicalJson } from "../idempotency/fingerprint.ts";
import { keyReusedError, keyRunningError, parseKey } from "../idempotency/idempotent-posts.ts";
import { replayStoredAnswer } from "../idempotency/stored-answer.ts";
import { streamFingerprint, type StreamFingerprint } from "../idempotency/stream-fingerprint.ts";
import type { Context } from "../context.ts";
import { requireCampaign } from "../procedures/require-owned.ts";
import { grantStoredBytes } from "./stored-bytes-quota.ts";
import { toImportView } from "../views/import-view.ts";

/** Limits an upload is held to; the service reads them from its environment. */
export interface ImportLimits {
  /** MAX_IMPORT_BYTES: larger bodies are refused with 413 and nothing is kept. */
  maxBytes: number;
  /** IMPORT_MAX_ACTIVE_JOBS: queued plus running jobs per account. */
  maxActiveJobs: number;
  /** IMPORT_MAX_STORED_BYTES: bytes of import files an account may keep stored, uploads in flight included. */
  maxStoredBytes: number;
}

/** One upload as the HTTP edge hands it over: no Request, so the rules stay transport-neutral. */
export interface ImportUpload {
  campaignId: string;
  contentType: string | null;
  /** Content-Length when the client sent one. */
  declaredLength: number | undefined;
  query: Record<string, string>;
  body: ReadableStream<Uint8Array> | null;
}

const ACCEPTED = Object.keys(IMPORT_FORMATS).join(" or ");

function formatOf(contentType: string | null) {
  const mediaType = contentType?.split(";")[0]?.trim().toLowerCase() ?? "";
  const format = IMPORT_FORMATS[mediaType as keyof typeof IMPORT_FORMATS];
  if (format) return format;
  throw new AppError(
    ERROR_CODES.UNSUPPORTED_MEDIA_TYPE,
    contentType
      ? `Unsupported Content-Type "${contentType}": send the file as ${ACCEPTED}`
      : `Missing Content-Type header: send the file as ${ACCEPTED}`,
  );
}

const tooLarge = (maxBytes: number) =>
  new AppError(
    ERROR_CODES.PAYLOAD_TOO_LARGE,
    `Import file is larger than ${maxBytes} bytes (MAX_IMPORT_BYTES); split it into several imports`,
  );

/** What an upload answered: the job's view, and whether it is an earlier request's answer replayed. */
export interface ImportStarted {
  view: ImportView;
  replayed: boolean;
}

/** The operation name Idempotency-Key records of uploads are kept under. */
const UPLOAD_OPERATION = "imports.upload";

/**
 * `POST /api/v1/campaigns/{campaignId}/imports`: checks the key, the media
 * type, the options, the campaign and the account's job cap, in that
 * order, before reading a byte of the body; then streams the body into
 * GridFS and queues the job. Imports do not spend the bulk budget.
 *
 * With an `Idempotency-Key` it behaves as the JSON POSTs do (same key and
 * request: the first 202 again, replayed; another request: 422; while the
 * first still uploads: 409), although the body is only known once it has
 * streamed in:
 * - the key is claimed *before* the body is read, with a placeholder
 *   fingerprint, so a concurrent request with the key answers 409 at once
 *   instead of uploading a second copy;
 * - if the key already has a finished answer, the body is only hashed,
 *   never stored, and compared: the answer replayed, or 422;
 * - otherwise the body is hashed as it streams into GridFS (SHA-256 over
 *   the campaign, format and options as canonical JSON, then the bytes) and
 *   the fingerprint settled after the upload. Should the settling be
 *   refused (our lease lapsed and another request with the key took over
 *   and finished, or the record held another body's fingerprint), the file
 *   just uploaded is deleted and the job discarded before answering, so
 *   nothing of this request is left.
 * Failures of an upload (413, an empty body, a database fault) release the
 * key instead of keeping the answer: nothing was stored, so a retry does
 * the same work and gets the same answer.
 */
export async function startImport(ctx: Context, upload: ImportUpload, limits: ImportLimits): Promise<ImportStarted> {
  const principal = await authenticate(ctx, "write");
  const format = formatOf(upload.contentType);
  const options = importOptionsSchema.parse(upload.query);
  const campaign = await requireCampaign({ ...ctx, principal }, upload.campaignId);
  if (upload.declaredLength !== undefined && upload.declaredLength > limits.maxBytes) throw tooLarge(limits.maxBytes);
  const prepared: PreparedUpload = {
    accountId: principal.accountId,
    campaignId: campaign._id,
    format,
    options,
    declaredLength: upload.declaredLength,
  };
  if (ctx.idempotencyKey === undefined) {
    return { view: await storeUpload(ctx, prepared, upload.body, limits), replayed: false };
  }

  const { repos, idempotency } = ctx.deps;
  const scope = { accountId: principal.accountId, operation: UPLOAD_OPERATION, key: parseKey(ctx.idempotencyKey) };
  const fingerprint = streamFingerprint(
    canonicalJson({ campaignId: campaign._id.toHexString(), format, options: upload.query }),
  );
  const claim = await repos.idempotencyRecords.claimUnread({ ...scope, now: new Date(), ...idempotency });
  if (claim.kind === "running") throw keyRunningError(claim.retryAfterSeconds);
  if (claim.kind === "completed") {
    await hashOnly(upload.body, fingerprint, limits.maxBytes);
    if (fingerprint.digest() !== claim.fingerprint) throw keyReusedError();
    return replayed(claim.answer);
  }

  const { record, holder } = claim;
  // A large upload may outlast the lease: keep extending it while the body arrives.
  const renewer = setInterval(
    () => {
      void repos.idempotencyRecords
        .extendLease(record._id, holder, new Date(Date.now() + idempotency.leaseMs))
        .catch(() => undefined);
    },
    Math.max(1000, Math.floor(idempotency.leaseMs / 3)),
  );
  try {
    const body = upload.body?.pipeThrough(fingerprint.stream) ?? null;
    const view = await storeUpload(ctx, prepared, body, limits, async () => {
      const settled = await repos.idempotencyRecords.settleFingerprint(record._id, holder, fingerprint.digest());
      if (settled.kind === "ok") return undefined;
      const current = settled.current;
      if (current?.state === "completed" && current.answer && current.fingerprint === fingerprint.digest()) {
        return replayed(current.answer);
      }
      if (current && current.fingerprint !== fingerprint.digest() && current.fingerprint !== UNREAD_FINGERPRINT) {
        throw keyReusedError();
      }
      throw keyRunningError(1);
    });
    if (view.replayed) return view;
    const answer = { kind: "success" as const, status: 202, json: JSON.stringify(view.view) };
    await repos.idempotencyRecords.complete(record._id, holder, answer).catch((error: unknown) => {
      ctx.deps.log.warn({ err: error, requestId: ctx.requestId }, "storing the answer of an idempotent upload failed");
    });
    return view;
  } catch (error) {
    await repos.idempotencyRecords.release(record._id, holder).catch(() => undefined);
    throw error;
  } finally {
    clearInterval(renewer);
  }
}

function replayed(answer: StoredAnswer): ImportStarted {
  return { view: replayStoredAnswer(answer) as ImportView, replayed: true };
}

/** Reads a body only to fingerprint it (its key already has an answer): nothing is stored. */
async function hashOnly(
  body: ReadableStream<Uint8Array> | null,
  fingerprint: StreamFingerprint,
  maxBytes: number,
): Promise<void> {
  const hashed = (body ?? new Blob([]).stream()).pipeThrough(fingerprint.stream);
  if ((await readUpTo(hashed, maxBytes, { keepBytes: false })).exceeded) throw tooLarge(maxBytes);
}

interface PreparedUpload {
  accountId: ObjectId;
  campaignId: ObjectId;
  format: ImportFormat;
  options: ImportOptions;
  declaredLength: number | undefined;
}

/**
 * Takes one of the account's job slots, streams the body into GridFS and
 * queues the job. `beforeQueue`, once the file is whole, may answer
 * instead (a replay) or throw; either way the file and the job go.
 */
async function storeUpload(
  ctx: Context,
  prepared: PreparedUpload,
  body: ReadableStream<Uint8Array> | null,
  limits: ImportLimits,
): Promise<ImportView>;
async function storeUpload(
  ctx: Context,
  prepared: PreparedUpload,
  body: ReadableStream<Uint8Array> | null,
  limits: ImportLimits,
  beforeQueue: (stored: { fileId: ObjectId }) => Promise<ImportStarted | undefined>,
): Promise<ImportStarted>;
async function storeUpload(
  ctx: Context,
  prepared: PreparedUpload,
  body: ReadableStream<Uint8Array> | null,
  limits: ImportLimits,
  beforeQueue?: (stored: { fileId: ObjectId }) => Promise<ImportStarted | undefined>,
): Promise<ImportView | ImportStarted> {
  const { repos } = ctx.deps;
  const { format, declaredLength, ...fields } = prepared;
  const job = await repos.importJobs.reserve({
    ...fields,
    format,
    maxActive: limits.maxActiveJobs,
    reservedBytes: declaredLength ?? limits.maxBytes,
  });
  if (!job) {
    throw new AppError(
      ERROR_CODES.RATE_LIMITED,
      `This account already has ${limits.maxActiveJobs} imports queued or running (IMPORT_MAX_ACTIVE_JOBS); ` +
        `wait for one to finish or cancel one`,
      { headers: { "Retry-After": "60" } },
    );
  }
  let fileId: ObjectId | undefined;
  try {
    if (!body) throw new AppError(ERROR_CODES.VALIDATION_FAILED, "Request body is empty: send the file");
    const granted = await grantStoredBytes(repos, job, declaredLength, limits);
    const stored = await repos.importFiles.store(body, `${job._id.toHexString()}.${format}`, granted.bytes);
    if (!stored.ok) throw granted.bytes < limits.maxBytes ? granted.exceeded() : tooLarge(limits.maxBytes);
    fileId = stored.fileId;
    if (stored.length === 0) throw new AppError(ERROR_CODES.VALIDATION_FAILED, "Request body is empty: send the file");
    const instead = await beforeQueue?.({ fileId: stored.fileId });
    if (instead) {
      await repos.importFiles.remove(stored.fileId);
      await repos.importJobs.discard(job._id).catch(() => undefined);
      return instead;
    }
    const queued = await repos.importJobs.queue(job, stored.fileId, stored.length);
    if (!queued) throw new Error("an upload's job vanished before it was queued");
    ctx.deps.log.info(
      { requestId: ctx.requestId, importId: job._id.toHexString(), bytes: stored.length, format },
      "import queued",
    );
    const view = toImportView(queued);
    return beforeQueue ? { view, replayed: false } : view;
  } catch (error) {
    if (fileId) await repos.importFiles.remove(fileId).catch(() => undefined);
    await repos.importJobs.discard(job._id).catch(() => undefined);
    throw error;
  }
}
