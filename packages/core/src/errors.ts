import type { ErrorIssue } from "./envelopes.ts";

/** Error codes the service can answer with; each maps to one HTTP status and tRPC code. */
export const ERROR_CODES = {
  VALIDATION_FAILED: "VALIDATION_FAILED",
  INVALID_JSON: "INVALID_JSON",
  UNSUPPORTED_MEDIA_TYPE: "UNSUPPORTED_MEDIA_TYPE",
  PAYLOAD_TOO_LARGE: "PAYLOAD_TOO_LARGE",
  UNAUTHENTICATED: "UNAUTHENTICATED",
  FORBIDDEN: "FORBIDDEN",
  NOT_FOUND: "NOT_FOUND",
  METHOD_NOT_ALLOWED: "METHOD_NOT_ALLOWED",
  REQUEST_TIMEOUT: "REQUEST_TIMEOUT",
  CONFLICT: "CONFLICT",
  UNPROCESSABLE: "UNPROCESSABLE",
  RATE_LIMITED: "RATE_LIMITED",
  SERVICE_UNAVAILABLE: "SERVICE_UNAVAILABLE",
  INTERNAL: "INTERNAL",
} as const;

export type ErrorCode = (typeof ERROR_CODES)[keyof typeof ERROR_CODES];

/** The tRPC error codes this service uses (a subset of @trpc/server's). */
export type TrpcErrorCode =
  | "BAD_REQUEST"
  | "PARSE_ERROR"
  | "UNSUPPORTED_MEDIA_TYPE"
  | "PAYLOAD_TOO_LARGE"
  | "UNAUTHORIZED"
  | "FORBIDDEN"
  | "NOT_FOUND"
  | "METHOD_NOT_SUPPORTED"
  | "TIMEOUT"
  | "CONFLICT"
  | "UNPROCESSABLE_CONTENT"
  | "TOO_MANY_REQUESTS"
  | "SERVICE_UNAVAILABLE"
  | "INTERNAL_SERVER_ERROR";

/**
 * The one table from error code to transport codes. The REST layer and the
 * tRPC error formatter both read it; nothing else picks a status.
 */
export const ERROR_TABLE: Record<ErrorCode, { httpStatus: number; trpcCode: TrpcErrorCode }> = {
  VALIDATION_FAILED: { httpStatus: 400, trpcCode: "BAD_REQUEST" },
  INVALID_JSON: { httpStatus: 400, trpcCode: "PARSE_ERROR" },
  UNSUPPORTED_MEDIA_TYPE: { httpStatus: 415, trpcCode: "UNSUPPORTED_MEDIA_TYPE" },
  PAYLOAD_TOO_LARGE: { httpStatus: 413, trpcCode: "PAYLOAD_TOO_LARGE" },
  UNAUTHENTICATED: { httpStatus: 401, trpcCode: "UNAUTHORIZED" },
  FORBIDDEN: { httpStatus: 403, trpcCode: "FORBIDDEN" },
  NOT_FOUND: { httpStatus: 404, trpcCode: "NOT_FOUND" },
  METHOD_NOT_ALLOWED: { httpStatus: 405, trpcCode: "METHOD_NOT_SUPPORTED" },
  REQUEST_TIMEOUT: { httpStatus: 408, trpcCode: "TIMEOUT" },
  CONFLICT: { httpStatus: 409, trpcCode: "CONFLICT" },
  UNPROCESSABLE: { httpStatus: 422, trpcCode: "UNPROCESSABLE_CONTENT" },
  RATE_LIMITED: { httpStatus: 429, trpcCode: "TOO_MANY_REQUESTS" },
  SERVICE_UNAVAILABLE: { httpStatus: 503, trpcCode: "SERVICE_UNAVAILABLE" },
  INTERNAL: { httpStatus: 500, trpcCode: "INTERNAL_SERVER_ERROR" },
};

export interface AppErrorOptions {
  cause?: unknown;
  issues?: ErrorIssue[];
  /** Response headers the error needs, such as `Retry-After`. */
  headers?: Record<string, string>;
}

/** The service's only error type. `message` is written for the caller. */
export class AppError extends Error {
  readonly code: ErrorCode;
  readonly issues: ErrorIssue[] | undefined;
  readonly headers: Record<string, string> | undefined;

  constructor(code: ErrorCode, message: string, options: AppErrorOptions = {}) {
    super(message, { cause: options.cause });
    this.name = "AppError";
    this.code = code;
    this.issues = options.issues;
    this.headers = options.headers;
  }

  get httpStatus(): number {
    return ERROR_TABLE[this.code].httpStatus;
  }
}

/** Finds an AppError at `error` or anywhere down its `cause` chain. */
export function findAppError(error: unknown): AppError | undefined {
  for (let current = error, depth = 0; current && depth < 8; depth++) {
    if (current instanceof AppError) return current;
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}
