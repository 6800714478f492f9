import type { Db } from "mongodb";

/** Every scratch database or collection starts so: whoever finds one left by a killed run knows whose it is. */
export const SCRATCH_PREFIX = "leadline_dbcheck_";

/**
 * Scratch collections whose run started longer ago than this were left by
 * a run that was killed: a start-up check takes seconds, so no run still
 * under way is this old.
 */
export const STALE_SCRATCH_MS = 10 * 60_000;

/** `leadline_dbcheck_<start, ms in base 36>x<8 random hex>`, then `_<base>` for each collection. */
const RUN_NAME = new RegExp(`^${SCRATCH_PREFIX}([0-9a-z]+)x[0-9a-f]{8}(?:_|$)`);

/** A run's name, which carries its start time so that another run can tell how old its leftovers are. */
export function scratchRunName(startedAt = Date.now()): string {
  return `${SCRATCH_PREFIX}${startedAt.toString(36)}x${crypto.randomUUID().replaceAll("-", "").slice(0, 8)}`;
}

/** When the run that named `name` started, or undefined for a name that carries no time (older runs' names). */
export function scratchStartedAt(name: string): number | undefined {
  const match = RUN_NAME.exec(name);
  return match ? parseInt(match[1]!, 36) : undefined;
}

/**
 * Drops the scratch collections of `db` left by runs that started more than
 * {@link STALE_SCRATCH_MS} before `now`, so that a service killed during its
 * start-up check, again and again, does not pile them up. A concurrent
 * run's collections are younger and stay; names without a time stay too.
 */
export async function removeStaleScratch(db: Db, now = Date.now()): Promise<void> {
  const collections = await db.listCollections({}, { nameOnly: true }).toArray();
  const stale = collections.filter(({ name }) => {
    const startedAt = scratchStartedAt(name);
    return startedAt !== undefined && now - startedAt > STALE_SCRATCH_MS;
  });
  await Promise.all(stale.map(({ name }) => db.dropCollection(name)));
}
