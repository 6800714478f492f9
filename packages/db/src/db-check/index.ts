import { claimIndexUse } from "./claim-index-use.ts";
import { gridfsRangedRead } from "./gridfs-ranged-read.ts";
import { EXACTLY_ONCE_CHECKS } from "./startup-check.ts";
import { ttlIndex } from "./ttl-index.ts";
import type { AnyDbCheck } from "./types.ts";

/** Every behaviour `pnpm db:check` tries: the exactly-once guards first, then what the services need besides. */
export const DB_CHECKS: readonly AnyDbCheck[] = [...EXACTLY_ONCE_CHECKS, ttlIndex, gridfsRangedRead, claimIndexUse];

export { claimIndexUse } from "./claim-index-use.ts";
export { concurrentClaim } from "./concurrent-claim.ts";
export { concurrentInc } from "./concurrent-inc.ts";
export { gridfsRangedRead } from "./gridfs-ranged-read.ts";
export { guardedUpdate } from "./guarded-update.ts";
export { insertManyWriteErrors } from "./insert-many-write-errors.ts";
export { pushSlice } from "./push-slice.ts";
export { formatReport, runDbChecks, SCRATCH_PREFIX } from "./run-checks.ts";
export { checkDatabaseAtStartup, DatabaseCheckError, EXACTLY_ONCE_CHECKS, type StartupCheck } from "./startup-check.ts";
export { ttlIndex } from "./ttl-index.ts";
export type * from "./types.ts";
