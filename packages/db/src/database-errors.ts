import { AppError, ERROR_CODES } from "@leadline/core";
import {
  MongoBulkWriteError,
  MongoError,
  MongoNetworkError,
  MongoNotConnectedError,
  MongoOperationTimeoutError,
  MongoServerError,
  MongoServerSelectionError,
  MongoTopologyClosedError,
} from "mongodb";

// The server's code for a write refused by a unique index.
export const DUPLICATE_KEY = 11000;

/** True when a single write was refused because a unique index already holds its key. */
export const isDuplicateKey = (error: unknown): boolean =>
  error instanceof MongoServerError && error.code === DUPLICATE_KEY;

/**
 * The indexes of the operations an unordered bulk write lost to a unique
 * index, when that is all that went wrong (at least one write error, each a
 * duplicate key, no write-concern failure); otherwise undefined, since then
 * what was stored is unknown. A bulk error without write errors is a lost
 * connection, not a duplicate.
 */
export function duplicateKeyIndexes(error: unknown): number[] | undefined {
  if (!(error instanceof MongoBulkWriteError)) return undefined;
  const writeErrors = Array.isArray(error.writeErrors) ? error.writeErrors : [error.writeErrors];
  if (writeErrors.length === 0 || error.result?.getWriteConcernError()) return undefined;
  if (writeErrors.some((writeError) => writeError.code !== DUPLICATE_KEY)) return undefined;
  return writeErrors.map((writeError) => writeError.index);
}

/** Seconds a caller should wait before retrying while the database is unreachable. */
const DATABASE_RETRY_AFTER_SECONDS = 5;

const TRANSIENT_LABELS = ["RetryableWriteError", "TransientTransactionError", "ResetPool"];

// Node's own socket errors. The driver passes one through unwrapped when a
// write finds the socket already ended by the database's side (it rejects
// its wait for `drain` with the socket's EPIPE), so it is no MongoError.
const SOCKET_ERROR_CODES = new Set(["EPIPE", "ECONNRESET", "ECONNREFUSED", "ECONNABORTED", "ETIMEDOUT"]);

function isUnreachable(error: unknown): boolean {
  if (error instanceof Error && SOCKET_ERROR_CODES.has(String((error as { code?: unknown }).code))) return true;
  if (
    error instanceof MongoNetworkError ||
    error instanceof MongoServerSelectionError ||
    error instanceof MongoTopologyClosedError ||
    error instanceof MongoNotConnectedError ||
    error instanceof MongoOperationTimeoutError
  ) {
    return true;
  }
  // A connection lost during insertMany arrives as a bulk write error with no
  // write errors of its own (and no cause to follow): the batch as a whole
  // failed, so which leads were stored is unknown and a retry is the answer.
  if (error instanceof MongoBulkWriteError && (error.writeErrors as unknown[] | undefined)?.length === 0) return true;
  return error instanceof MongoError && TRANSIENT_LABELS.some((label) => error.hasErrorLabel(label));
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
