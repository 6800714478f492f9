import {
  AppError,
  ERROR_CODES,
  ERROR_TABLE,
  describeIssues,
  findAppError,
  type ErrorCode,
  type ErrorEnvelope,
} from "@leadline/core";
import { TRPCError } from "@trpc/server";

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

/**
 * Classifies anything thrown while serving a request, once: the AppError
 * it carries (anywhere down its cause chain; the repositories raise the
 * 503 of an unreachable database themselves), else a validation error
 * listing every issue, tRPC's own refusals, or a plain 500 that keeps the
 * original as its cause.
 */
export function toAppError(error: unknown): AppError {
  const appError = findAppError(error);
  if (appError) return appError;
  const cause = error instanceof TRPCError ? error.cause : error;
  if (isZodError(cause)) {
    const issues = describeIssues(cause.issues);
    return new AppError(ERROR_CODES.VALIDATION_FAILED, issues[0]?.message ?? "Invalid request", { issues, cause });
  }
  if (error instanceof TRPCError) {
    const known = TRPC_OWN_FAILURES[error.code];
    if (known) return new AppError(known.code, known.message, { cause: error });
  }
  return new AppError(ERROR_CODES.INTERNAL, "Internal server error", { cause: error });
}

/** True when the failure is ours, not the caller's: worth a log line with the cause. */
export const isServerFault = (error: AppError): boolean => error.httpStatus >= 500;

/** The documented `{ success: false, data: null, error, issues? }` body. */
export function toErrorEnvelope(error: AppError): ErrorEnvelope {
  const envelope: ErrorEnvelope = { success: false, data: null, error: error.message };
  if (error.issues?.length) envelope.issues = error.issues.slice(0, 100);
  return envelope;
}

/** The TRPCError whose code our table assigns to `error`, with the classified AppError as its cause. */
export function toTrpcError(error: unknown): TRPCError {
  const appError = toAppError(error);
  const trpcCode = ERROR_TABLE[appError.code].trpcCode;
  if (error instanceof TRPCError && error.code === trpcCode && error.cause === appError) return error;
  return new TRPCError({ code: trpcCode, message: appError.message, cause: appError });
}
