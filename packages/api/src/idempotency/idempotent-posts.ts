import { AppError, ERROR_CODES } from "@leadline/core";
import type { ObjectId, StoredAnswer } from "@leadline/db";
import { middlewareMarker } from "@trpc/server/unstable-core-do-not-import";
import type { OpenApiMeta } from "trpc-to-openapi";
import type { Principal } from "../auth/authenticate.ts";
import type { Context } from "../context.ts";
import { toAppError } from "../failure.ts";
import { fingerprintOf } from "./fingerprint.ts";
import { replayStoredAnswer } from "./stored-answer.ts";

export const IDEMPOTENCY_KEY_HEADER = "Idempotency-Key";
export const REPLAYED_HEADER = "Idempotent-Replayed";
/** How long keys and their answers are kept. */
export const IDEMPOTENCY_TTL_MS = 24 * 60 * 60 * 1000;

const KEY_PATTERN = /^[\x20-\x7e]{1,255}$/;

/** True for the operations keys apply to: every POST (a tRPC mutation without REST meta counts as one). */
export function isIdempotentPost(type: string, meta: OpenApiMeta | undefined): boolean {
  return type === "mutation" && (meta?.openapi?.method ?? "POST") === "POST";
}

/** Answers not kept, so that a retry does the work: ours (5xx), a conflict, a rate limit. */
const isKept = (status: number) => status < 500 && status !== 409 && status !== 429;

/** What the rest of a request sees of its key. */
export interface IdempotencyCtx {
  /** The key's record id while a request with a key runs; stored on the leads it creates. */
  createdByRequest: ObjectId | undefined;
  setStatus: ((status: number) => void) | undefined;
}

interface MiddlewareArgs {
  ctx: Context & { principal: Principal };
  meta: OpenApiMeta | undefined;
  type: string;
  path: string;
  getRawInput(): Promise<unknown>;
}

type MiddlewareOutcome = { ok: true; data: unknown } | { ok: false; error: unknown };

function replay<TResult>(ctx: Context, answer: StoredAnswer): TResult {
  ctx.setHeader(REPLAYED_HEADER, "true");
  const data = replayStoredAnswer(answer);
  if (answer.kind === "success") ctx.setStatus?.(answer.status);
  // A middleware's own answer: what tRPC's `next()` would have returned.
  return { ok: true, data, marker: middlewareMarker } as TResult;
}

/** 422: the key was used with another body. */
export const keyReusedError = () =>
  new AppError(
    ERROR_CODES.UNPROCESSABLE,
    `This ${IDEMPOTENCY_KEY_HEADER} was already used with a different request body; use a new key for a new request`,
  );

/** 409: a request with the key is still running. */
export const keyRunningError = (retryAfterSeconds: number) =>
  new AppError(
    ERROR_CODES.CONFLICT,
    `A request with this ${IDEMPOTENCY_KEY_HEADER} is still being processed; retry after ${retryAfterSeconds} seconds`,
    { headers: { "Retry-After": String(retryAfterSeconds) } },
  );

export function parseKey(header: string): string {
  if (KEY_PATTERN.test(header)) return header;
  throw new AppError(
    ERROR_CODES.VALIDATION_FAILED,
    `${IDEMPOTENCY_KEY_HEADER} must be 1 to 255 printable ASCII characters`,
    { issues: [{ path: IDEMPOTENCY_KEY_HEADER, message: "must be 1 to 255 printable ASCII characters" }] },
  );
}

/**
 * `Idempotency-Key` for every POST, REST and tRPC alike. Without the header
 * the request runs as ever. With it: the first request claims the key and
 * its answer is kept for 24 h (unless 5xx, 409 or 429); the same key and
 * body again gets that answer with `Idempotent-Replayed: true` and runs
 * nothing (so no rate-limit budget); another body gets 422; while the first
 * still runs, 409 with Retry-After. Runs after authentication (keys are the
 * account's) and before everything else the operation does.
 */
export async function runIdempotently<TResult extends MiddlewareOutcome>(
  args: MiddlewareArgs,
  next: (ctx: IdempotencyCtx) => Promise<TResult>,
): Promise<TResult> {
  const { ctx } = args;
  if (ctx.idempotencyKey === undefined || !isIdempotentPost(args.type, args.meta)) {
    return next({ createdByRequest: undefined, setStatus: ctx.setStatus });
  }
  const { repos, idempotency, log } = ctx.deps;
  const claim = await repos.idempotencyRecords.claim({
    accountId: ctx.principal.accountId,
    operation: args.path,
    key: parseKey(ctx.idempotencyKey),
    fingerprint: await fingerprintOf(await args.getRawInput()),
    now: new Date(),
    ...idempotency,
  });
  if (claim.kind === "mismatch") throw keyReusedError();
  if (claim.kind === "running") throw keyRunningError(claim.retryAfterSeconds);
  if (claim.kind === "replay") return replay(ctx, claim.answer);

  const { record, holder } = claim;
  let status = 200;
  const result = await next({
    createdByRequest: record._id,
    setStatus: (code: number) => {
      status = code;
      ctx.setStatus?.(code);
    },
  });
  const failure = result.ok ? undefined : toAppError(result.error);
  try {
    if (!failure) await repos.idempotencyRecords.complete(record._id, holder, answerOf(status, result));
    else if (isKept(failure.httpStatus)) {
      await repos.idempotencyRecords.complete(record._id, holder, {
        kind: "failure",
        code: failure.code,
        message: failure.message,
        ...(failure.issues ? { issues: failure.issues.slice(0, 100) } : {}),
      });
    } else await repos.idempotencyRecords.release(record._id, holder);
  } catch (error) {
    // The answer stands; unstored, the key stays claimed until its lease lapses, then a retry redoes
    // the work and, through `createdByRequest`, reports what this attempt stored.
    log.warn({ err: error, requestId: ctx.requestId }, "storing the answer of an idempotent request failed");
  }
  return result;
}

function answerOf(status: number, result: MiddlewareOutcome): StoredAnswer {
  return { kind: "success", status, json: JSON.stringify(result.ok ? result.data : null) };
}
