import type { DbCheck } from "./types.ts";
import { fail, ok } from "./types.ts";

/** Whether a TTL index could be created, and what the server recorded. */
export interface TtlIndexCreation {
  error?: string;
  expireAfterSeconds?: number;
}

const EXPIRE_AFTER_SECONDS = 60;

/**
 * A TTL index is created and listed with its `expireAfterSeconds`. The
 * services create TTL indexes at start-up (Idempotency-Key records, the rate
 * limiter's store) and do not start without them. Whether the server then
 * deletes expired documents is not checked: that takes a minute on MongoDB,
 * and the services sweep expired records themselves as well.
 */
export const ttlIndex: DbCheck<TtlIndexCreation> = {
  name: "TTL index creation",
  guardsExactlyOnce: false,
  async run({ db, name }) {
    const records = db.collection(name("ttl_index"));
    try {
      await records.createIndex({ expiresAt: 1 }, { expireAfterSeconds: EXPIRE_AFTER_SECONDS, name: "expiry_ttl" });
      const index = (await records.listIndexes().toArray()).find((candidate) => candidate.name === "expiry_ttl");
      return { expireAfterSeconds: index?.expireAfterSeconds as number | undefined };
    } catch (error) {
      return { error: error instanceof Error ? error.message : String(error) };
    } finally {
      await records.drop().catch(() => undefined);
    }
  },
  judge({ error, expireAfterSeconds }) {
    if (error !== undefined) return fail(`refused: ${error}; the services cannot start on this server`);
    if (expireAfterSeconds !== EXPIRE_AFTER_SECONDS) {
      return fail(
        `created, but listed with expireAfterSeconds ${String(expireAfterSeconds)}, not ${EXPIRE_AFTER_SECONDS}`,
      );
    }
    return ok;
  },
};
