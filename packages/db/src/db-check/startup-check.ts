import type { Db, MongoClient } from "mongodb";
import { concurrentClaim } from "./concurrent-claim.ts";
import { concurrentInc } from "./concurrent-inc.ts";
import { guardedUpdate } from "./guarded-update.ts";
import { insertManyWriteErrors } from "./insert-many-write-errors.ts";
import { pushSlice } from "./push-slice.ts";
import { runDbChecks } from "./run-checks.ts";
import type { AnyDbCheck } from "./types.ts";

/** The checks whose failure would break exactly-once: what a service runs before it starts. */
export const EXACTLY_ONCE_CHECKS: readonly AnyDbCheck[] = [
  concurrentClaim,
  guardedUpdate,
  concurrentInc,
  insertManyWriteErrors,
  pushSlice,
];

/** How a service checks its database at start-up (`DB_CHECK`). */
export interface StartupCheck {
  /** `DB_CHECK=off` turns it off. */
  enabled: boolean;
  /** The checks to run: {@link EXACTLY_ONCE_CHECKS}, unless a test swaps in one that fails. */
  checks?: readonly AnyDbCheck[];
}

/** The database failed a behaviour exactly-once relies on; the message names each. */
export class DatabaseCheckError extends Error {
  constructor(readonly failed: readonly { name: string; detail: string }[]) {
    super(
      `the database fails what Leadline relies on to act exactly once: ` +
        failed.map(({ name, detail }) => `${name}: ${detail}`).join("; ") +
        ". Run `pnpm db:check` against it for the full report, or set DB_CHECK=off to start anyway.",
    );
    this.name = "DatabaseCheckError";
  }
}

/**
 * The quick form of `pnpm db:check`, with small counts: throws
 * {@link DatabaseCheckError} when the database breaks one of the guards.
 * It runs in scratch collections of the service's own database `db`, so it
 * needs no right the service lacks, and creates no database on each start.
 */
export async function checkDatabaseAtStartup(client: MongoClient, db: Db, setting: StartupCheck): Promise<void> {
  if (!setting.enabled) return;
  const reports = await runDbChecks(client, setting.checks ?? EXACTLY_ONCE_CHECKS, "quick", db);
  const failed = reports.flatMap(({ name, verdict }) =>
    verdict.status === "fail" ? [{ name, detail: verdict.detail }] : [],
  );
  if (failed.length > 0) throw new DatabaseCheckError(failed);
}
