import { AppError, ERROR_CODES } from "@leadline/core";
import { MongoError, MongoNetworkError, MongoServerSelectionError, MongoTopologyClosedError } from "mongodb";

/** Seconds a caller should wait before retrying while the database is unreachable. */
export const DATABASE_RETRY_AFTER_SECONDS = 5;

function isUnreachable(error: unknown): boolean {
  return (
    error instanceof MongoNetworkError ||
    error instanceof MongoServerSelectionError ||
    error instanceof MongoTopologyClosedError ||
    (error instanceof MongoError &&
      (error.hasErrorLabel("RetryableWriteError") || error.hasErrorLabel("TransientTransactionError")))
  );
}

/**
 * Translates a driver error into the service's terms: an unreachable or
 * failing-over database is a 503 the caller can retry (bulk inserts are
 * idempotent), anything else from the driver stays an internal error.
 */
export function translateDatabaseError(error: unknown): AppError | undefined {
  for (let current = error, depth = 0; current && depth < 4; depth++) {
    if (isUnreachable(current)) {
      return new AppError(ERROR_CODES.SERVICE_UNAVAILABLE, "The database is unavailable; retry the request shortly", {
        cause: error,
        headers: { "Retry-After": String(DATABASE_RETRY_AFTER_SECONDS) },
      });
    }
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}
