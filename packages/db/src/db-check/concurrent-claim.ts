import type { DbCheck } from "./types.ts";
import { fail, ok } from "./types.ts";

/** What the claimers were handed. */
export interface ClaimRace {
  documents: number;
  claimers: number;
  /** Claims handed out, counting a document handed to two claimers twice. */
  claims: number;
  /** Documents handed out at least once. */
  distinct: number;
}

const COUNTS = { full: { documents: 200, claimers: 12 }, quick: { documents: 40, claimers: 8 } };

/**
 * Concurrent `findOneAndUpdate` claimers drain one queue: each document must
 * be handed out exactly once, which is how a lead reaches the dialer once.
 */
export const concurrentClaim: DbCheck<ClaimRace> = {
  name: "concurrent claim (findOneAndUpdate)",
  guardsExactlyOnce: true,
  async run({ db, name }, size) {
    const { documents, claimers } = COUNTS[size];
    const queue = db.collection<{ _id: number; state: string; claimer?: number }>(name("claim_race"));
    await queue.insertMany(Array.from({ length: documents }, (_, i) => ({ _id: i, state: "pending" })));
    const handed: number[] = [];
    await Promise.all(
      Array.from({ length: claimers }, async (_, claimer) => {
        // Bounded, so that a server which never marks documents claimed cannot keep a claimer looping.
        for (let round = 0; round <= documents; round++) {
          const claimed = await queue.findOneAndUpdate(
            { state: "pending" },
            { $set: { state: "claimed", claimer } },
            { sort: { _id: 1 }, returnDocument: "after" },
          );
          if (!claimed) return;
          handed.push(claimed._id);
        }
      }),
    );
    await queue.drop();
    return { documents, claimers, claims: handed.length, distinct: new Set(handed).size };
  },
  judge({ documents, claimers, claims, distinct }) {
    if (claims === documents && distinct === documents) return ok;
    return fail(
      `${claimers} concurrent claimers were handed ${claims} claims of ${distinct} distinct documents, of ${documents}: ` +
        "the claim is not atomic, a lead would be dialled twice",
    );
  },
};
