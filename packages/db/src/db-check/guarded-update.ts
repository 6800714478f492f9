import type { DbCheck } from "./types.ts";
import { fail, ok } from "./types.ts";

/** What racing guarded updates reported. */
export interface GuardedUpdateRace {
  documents: number;
  attempts: number;
  /** The sum of the updates' `modifiedCount`. */
  modified: number;
}

const COUNTS = { full: { documents: 50, racers: 6 }, quick: { documents: 10, racers: 4 } };

/**
 * Several `updateOne`s race to move each document out of the state they are
 * guarded by: exactly one per document may report a change. Every lead
 * transition (outcome, hand-off result, lease release) is such an update.
 */
export const guardedUpdate: DbCheck<GuardedUpdateRace> = {
  name: "guarded updateOne under a race",
  guardsExactlyOnce: true,
  async run({ db, name }, size) {
    const { documents, racers } = COUNTS[size];
    const leads = db.collection<{ _id: number; state: string; winner?: number }>(name("guarded_update_race"));
    await leads.insertMany(Array.from({ length: documents }, (_, i) => ({ _id: i, state: "pending" })));
    const results = await Promise.all(
      Array.from({ length: documents * racers }, (_, i) =>
        leads.updateOne({ _id: i % documents, state: "pending" }, { $set: { state: "done", winner: i } }),
      ),
    );
    await leads.drop();
    return { documents, attempts: results.length, modified: results.reduce((sum, r) => sum + r.modifiedCount, 0) };
  },
  judge({ documents, attempts, modified }) {
    if (modified === documents) return ok;
    return fail(
      `${attempts} racing guarded updates modified ${modified} of ${documents} documents: ` +
        "the guard is not atomic, an outcome or a hand-off would apply twice",
    );
  },
};
