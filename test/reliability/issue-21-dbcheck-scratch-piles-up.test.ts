import { describe, expect, it } from "vitest";
import { checkDatabaseAtStartup } from "@leadline/db";
import { STALE_SCRATCH_MS, scratchRunName } from "../../packages/db/src/db-check/scratch-names.ts";
import { useTestDatabase } from "../support/database.ts";

/**
 * Issue 21 follow-up: the start-up check dropped only its own run's scratch
 * collections, so a service killed during the check, over and over (a crash
 * loop), left a set of `leadline_dbcheck_*` collections in its database each
 * time. Each run now also drops those a run started long ago left behind.
 */
describe("issue 21: scratch collections of killed start-up checks", () => {
  const db = useTestDatabase("issue21_dbcheck_scratch");
  const scratchCollections = async () =>
    (await db.connection.db.listCollections({}, { nameOnly: true }).toArray())
      .map(({ name }) => name)
      .filter((name) => name.startsWith("leadline_dbcheck_"))
      .sort();

  it("are dropped by the next start-up check once old; a concurrent run's fresh ones stay", async () => {
    const now = Date.now();
    const killedLongAgo = [
      `${scratchRunName(now - STALE_SCRATCH_MS - 60_000)}_claims`,
      `${scratchRunName(now - 86_400_000)}_inc`,
    ];
    const concurrent = `${scratchRunName(now - 60_000)}_claims`;
    // A name from before runs carried their start time: its age cannot be read, so it is left alone.
    const untimed = "leadline_dbcheck_0123456789abcdef_claims";
    for (const name of [...killedLongAgo, concurrent, untimed]) await db.connection.db.createCollection(name);

    await checkDatabaseAtStartup(db.connection.client, db.connection.db, { enabled: true });

    expect(await scratchCollections()).toEqual([concurrent, untimed].sort());
  });
});
