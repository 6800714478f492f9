import type { DbCheck } from "./types.ts";
import { fail, ok } from "./types.ts";

/** What concurrent increments added up to. */
export interface IncrementRace {
  increments: number;
  counted: number;
}

const COUNTS = { full: 400, quick: 40 };

/**
 * Concurrent `$inc`s on one counter, half through `updateOne` and half
 * through `findOneAndUpdate` (how attempts are counted at a claim): none may
 * be lost. Attempts, import counters and rate-limit budgets are kept so.
 */
export const concurrentInc: DbCheck<IncrementRace> = {
  name: "concurrent $inc",
  guardsExactlyOnce: true,
  async run({ db, name }, size) {
    const increments = COUNTS[size];
    const counters = db.collection<{ _id: string; n: number }>(name("inc_race"));
    await counters.insertOne({ _id: "counter", n: 0 });
    await Promise.all(
      Array.from({ length: increments }, (_, i) =>
        i % 2 === 0
          ? counters.updateOne({ _id: "counter" }, { $inc: { n: 1 } })
          : counters.findOneAndUpdate({ _id: "counter" }, { $inc: { n: 1 } }),
      ),
    );
    const counted = (await counters.findOne({ _id: "counter" }))?.n ?? 0;
    await counters.drop();
    return { increments, counted };
  },
  judge({ increments, counted }) {
    if (counted === increments) return ok;
    return fail(`${increments} concurrent $inc counted ${counted}: increments are lost`);
  },
};
