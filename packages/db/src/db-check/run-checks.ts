import type { Db, MongoClient } from "mongodb";
import { removeStaleScratch, scratchRunName } from "./scratch-names.ts";
import type { AnyDbCheck, CheckReport, CheckSize, Scratch } from "./types.ts";
import { fail } from "./types.ts";

export { SCRATCH_PREFIX } from "./scratch-names.ts";

/**
 * Runs `checks` one after another in scratch collections, removed
 * afterwards, so the service's data is never touched: in a scratch database
 * of their own, or, given `inside`, in collections of that database named
 * `leadline_dbcheck_<start time><random>_*` (a user allowed only the
 * service's database can run that), after dropping those a killed run left
 * there (see `removeStaleScratch`). A check that throws is reported as
 * failed with the error; the others still run.
 */
export async function runDbChecks(
  client: MongoClient,
  checks: readonly AnyDbCheck[],
  size: CheckSize,
  inside?: Db,
): Promise<CheckReport[]> {
  const run = scratchRunName();
  // Best effort: leftovers cost disk, not correctness, and must not stop the checks.
  if (inside) await removeStaleScratch(inside).catch(() => undefined);
  const scratch: Scratch = inside
    ? { db: inside, name: (base) => `${run}_${base}` }
    : { db: client.db(run), name: (base) => base };
  const reports: CheckReport[] = [];
  try {
    for (const check of checks) {
      const verdict = await check.run(scratch, size).then(
        (result) => check.judge(result),
        (error: unknown) => fail(`could not run: ${error instanceof Error ? error.message : String(error)}`),
      );
      reports.push({ name: check.name, guardsExactlyOnce: check.guardsExactlyOnce, verdict });
    }
  } finally {
    await removeScratch(scratch.db, inside ? `${run}_` : undefined).catch(() => undefined);
  }
  return reports;
}

/** Drops the scratch database, or only the collections named with `prefix` when it is the service's. */
async function removeScratch(db: Db, prefix: string | undefined): Promise<void> {
  if (prefix === undefined) {
    await db.dropDatabase();
    return;
  }
  const left = await db.listCollections({}, { nameOnly: true }).toArray();
  await Promise.all(left.filter(({ name }) => name.startsWith(prefix)).map(({ name }) => db.dropCollection(name)));
}

/** One report line: `ok`, or `FAIL` / `warn` with what went wrong. */
export function formatReport({ name, verdict }: CheckReport): string {
  if (verdict.status === "ok") return `ok    ${name}`;
  return `${verdict.status === "fail" ? "FAIL" : "warn"}  ${name}: ${verdict.detail}`;
}
