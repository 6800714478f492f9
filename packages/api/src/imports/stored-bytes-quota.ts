import { AppError, ERROR_CODES } from "@leadline/core";
import type { ImportJobDoc, Repositories } from "@leadline/db";
import type { ImportLimits } from "./start-import.ts";

/** The room an upload was given under IMPORT_MAX_STORED_BYTES, and the refusal for a body that passes it. */
export interface GrantedBytes {
  bytes: number;
  exceeded(): AppError;
}

function quotaError(maxStoredBytes: number, left: number, tooLargeEver: boolean): AppError {
  if (tooLargeEver) {
    return new AppError(
      ERROR_CODES.PAYLOAD_TOO_LARGE,
      `Import file is larger than this account's ${maxStoredBytes} bytes of import storage (IMPORT_MAX_STORED_BYTES); ` +
        `split it into several imports`,
    );
  }
  return new AppError(
    ERROR_CODES.RATE_LIMITED,
    `This account's imports already keep files near its ${maxStoredBytes} bytes of import storage ` +
      `(IMPORT_MAX_STORED_BYTES; ${Math.max(0, left)} bytes left); wait for its queued or running imports to finish, ` +
      `or cancel one, then upload again`,
    { headers: { "Retry-After": "60" } },
  );
}

/**
 * Grants a reserved upload its room under the account's stored-bytes
 * quota: the declared length, or without one whatever is left up to
 * MAX_IMPORT_BYTES. Files of completed imports, kept only for the retention
 * time, are deleted early (oldest first) when the room is needed. Refuses
 * with 429 when the room is not there (413 when the file could never fit).
 *
 * The job was reserved with its wanted bytes before counting, and every
 * other upload's reservation counts whichever started first, so uploads
 * racing for the last room cannot all take it.
 */
export async function grantStoredBytes(
  repos: Pick<Repositories, "importStorage" | "importFiles" | "importJobs">,
  job: ImportJobDoc,
  declaredLength: number | undefined,
  limits: ImportLimits,
): Promise<GrantedBytes> {
  const { maxStoredBytes } = limits;
  const wanted = declaredLength ?? limits.maxBytes;
  if (declaredLength !== undefined && declaredLength > maxStoredBytes) throw quotaError(maxStoredBytes, 0, true);
  let left = maxStoredBytes - (await repos.importStorage.storedBytes(job.accountId, job._id));
  if (left < wanted) {
    for (const retained of await repos.importStorage.retainedFiles(job.accountId)) {
      if (retained.fileId) await repos.importFiles.remove(retained.fileId);
      await repos.importJobs.forgetFile(retained._id);
      left += retained.bytesTotal;
      if (left >= wanted) break;
    }
  }
  const bytes = Math.min(wanted, left);
  if (bytes <= 0 || (declaredLength !== undefined && bytes < declaredLength)) {
    throw quotaError(maxStoredBytes, left, false);
  }
  if (bytes < wanted) await repos.importStorage.reserveBytes(job._id, bytes);
  return { bytes, exceeded: () => quotaError(maxStoredBytes, bytes, false) };
}
