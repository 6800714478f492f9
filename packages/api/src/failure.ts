import {
  AppError,
  ERROR_CODES,
  ERROR_TABLE,
  describeIssues,
  findAppError,
  type ErrorCode,
  type ErrorEnvelope,
  type ErrorIssue,
} from "@leadline/core";
import { translateDatabaseError } from "@leadline/db";
import { TRPCError } from "@trpc/server";

/** What a failed request answers, on either transport. */
export interface Failure {
  code: ErrorCode;
  httpStatus: number;
  message: string;
  issues: ErrorIssue[] | undefined;
  headers: Record<string, string>;
  /** True when the failure is ours, not the caller's: worth a log line with the cause. */
  isServerFault: boolean;
}

interface ZodLikeError {
  name: string;
  issues: { path: PropertyKey[]; message: string }[];
}

const isZodError = (value: unknown): value is ZodLikeError =>
  value instanceof Error && value.name === "ZodError" && Array.isArray((value as Partial<ZodLikeError>).issues);

// tRPC raises these itself before our code runs (e.g. a malformed body on /trpc).
const TRPC_OWN_FAILURES: Partial<Record<TRPCError["code"], { code: ErrorCode; message: string }>> = {
  PARSE_ERROR: { code: ERROR_CODES.INVALID_JSON, message: "Request body is not valid JSON" },
  BAD_REQUEST: { code: ERROR_CODES.VALIDATION_FAILED, message: "Bad request" },
  NOT_FOUND: { code: ERROR_CODES.NOT_FOUND, message: "No such endpoint" },
  METHOD_NOT_SUPPORTED: { code: ERROR_CODES.METHOD_NOT_ALLOWED, message: "Method not allowed for this endpoint" },
  UNSUPPORTED_MEDIA_TYPE: {
    code: ERROR_CODES.UNSUPPORTED_MEDIA_TYPE,
    message: "Content-Type must be application/json",
  },
  PAYLOAD_TOO_LARGE: { code: ERROR_CODES.PAYLOAD_TOO_LARGE, message: "Request body is too large" },
};

function fromAppError(error: AppError): Failure {
  return {
    code: error.code,
    httpStatus: ERROR_TABLE[error.code].httpStatus,
    message: error.message,
    issues: error.issues,
    headers: error.headers ?? {},
    isServerFault: ERROR_TABLE[error.code].httpStatus >= 500,
  };
}

/**
 * Maps anything thrown while serving a request to its answer. Validation
 * errors list every issue and lead with the first; unknown errors become a
 * plain 500 without internals.
 */
export function describeFailure(error: unknown): Failure {
  const cause = error instanceof TRPCError ? error.cause : error;
  const appError = findAppError(error);
  if (appError) return fromAppError(appError);
  if (isZodError(cause)) {
    const issues = describeIssues(cause.issues);
    return fromAppError(
      new AppError(ERROR_CODES.VALIDATION_FAILED, issues[0]?.message ?? "Invalid request", { issues }),
    );
  }
  const database = translateDatabaseError(error);
  if (database) return { ...fromAppError(database), isServerFault: true };
  if (error instanceof TRPCError) {
    const known = TRPC_OWN_FAILURES[error.code];
    if (known) return fromAppError(new AppError(known.code, known.message));
  }
  return fromAppError(new AppError(ERROR_CODES.INTERNAL, "Internal server error"));
}

export function toErrorEnvelope(failure: Failure): ErrorEnvelope {
  const envelope: ErrorEnvelope = { success: false, data: null, error: failure.message };
  if (failure.issues?.length) envelope.issues = failure.issues.slice(0, 100);
  return envelope;
}

/** Wraps any error as the TRPCError whose code matches our table, keeping the cause. */
export function toTrpcError(error: unknown): TRPCError {
  const failure = describeFailure(error);
  if (error instanceof TRPCError && error.code === ERROR_TABLE[failure.code].trpcCode) return error;
  return new TRPCError({
    code: ERROR_TABLE[failure.code].trpcCode,
    message: failure.message,
    cause:
      findAppError(error) ??
      new AppError(failure.code, failure.message, { cause: error, issues: failure.issues, headers: failure.headers }),
  });
}
