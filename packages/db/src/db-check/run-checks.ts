import type { MongoClient } from "mongodb";
import type { AnyDbCheck, CheckReport, CheckSize } from "./types.ts";
import { fail } from "./types.ts";

/** Every scratch database starts so: an operator who finds one left by a killed run knows whose it is. */
export const SCRATCH_DATABASE_PREFIX = "leadline_dbcheck_";

/**
 * Runs `checks` one after another in a scratch database of their own,
 * dropped afterwards, so the service's data is never touched. A check that
 * throws is reported as failed with the error, the others still run.
 */
export async function runDbChecks(
  client: MongoClient,
  checks: readonly AnyDbCheck[],
  size: CheckSize,
): Promise<CheckReport[]> {
  const db = client.db(`${SCRATCH_DATABASE_PREFIX}${crypto.randomUUID().replaceAll("-", "").slice(0, 16)}`);
  const reports: CheckReport[] = [];
  try {
    for (const check of checks) {
      const verdict = await check.run(db, size).then(
        (result) => check.judge(result),
        (error: unknown) => fail(`could not run: ${error instanceof Error ? error.message : String(error)}`),
      );
      reports.push({ name: check.name, guardsExactlyOnce: check.guardsExactlyOnce, verdict });
    }
  } finally {
    await db.dropDatabase().catch(() => undefined);
  }
  return reports;
}

/** One report line: `ok`, or `FAIL` / `warn` with what went wrong. */
export function formatReport({ name, verdict }: CheckReport): string {
  if (verdict.status === "ok") return `ok    ${name}`;
  return `${verdict.status === "fail" ? "FAIL" : "warn"}  ${name}: ${verdict.detail}`;
}
