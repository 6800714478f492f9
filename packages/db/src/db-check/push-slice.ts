import type { DbCheck } from "./types.ts";
import { fail, ok } from "./types.ts";

/** What an array capped with `$slice` kept. */
export interface CappedPush {
  pushed: number;
  cap: number;
  /** The array as stored after the last push. */
  kept: number[];
}

const COUNTS = { full: { cap: 20, pushed: 30 }, quick: { cap: 3, pushed: 5 } };

/**
 * `$push` with `$each` and a negative `$slice`, one entry at a time, as a
 * lead's outcome history is kept: only the newest `cap` entries may stay.
 * A server that ignores `$slice` lets the history grow without bound.
 */
export const pushSlice: DbCheck<CappedPush> = {
  name: "$push with $each and $slice",
  guardsExactlyOnce: true,
  async run({ db, name }, size) {
    const { cap, pushed } = COUNTS[size];
    const histories = db.collection<{ _id: string; entries: number[] }>(name("capped_history"));
    await histories.insertOne({ _id: "lead", entries: [] });
    for (let entry = 1; entry <= pushed; entry++) {
      await histories.updateOne({ _id: "lead" }, { $push: { entries: { $each: [entry], $slice: -cap } } });
    }
    const kept = (await histories.findOne({ _id: "lead" }))?.entries ?? [];
    await histories.drop();
    return { pushed, cap, kept };
  },
  judge({ pushed, cap, kept }) {
    const newest = Array.from({ length: Math.min(cap, pushed) }, (_, i) => pushed - Math.min(cap, pushed) + 1 + i);
    if (kept.join() === newest.join()) return ok;
    return fail(
      `after ${pushed} pushes capped at ${cap}, ${kept.length} entries were kept` +
        (kept.length > cap ? ": $slice was ignored, outcome history would grow without bound" : ", not the newest"),
    );
  },
};
