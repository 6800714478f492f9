import { createWorkerLogger } from "@leadline/core";
import {
  CLAIM_SORT,
  claimFilter,
  connectMongo,
  getCollections,
  transitionFilter,
  transitionUpdate,
  type BatchClaimRequest,
  type Collections,
  type LeadDoc,
} from "@leadline/db";
import { createClaimSources, Dispatcher, type DispatcherConfig } from "@leadline/dispatcher";

/**
 * The claim the dispatcher made before batch claims, kept as the benches' baseline: one atomic
 * `findOneAndUpdate` per lead, the lifecycle table's claim update in claim order. Null when no
 * lead is due. The benches' scopes fit in one claim query, so it ignores campaign paging.
 */
export async function claimOneLead(
  collections: Pick<Collections, "leads">,
  { workerId, scope, leaseMs, now }: Omit<BatchClaimRequest, "limit">,
): Promise<LeadDoc | null> {
  const filter = claimFilter(scope, now);
  if (!filter) return null;
  return collections.leads.findOneAndUpdate(
    transitionFilter("claim", filter),
    transitionUpdate("claim", {
      now,
      values: {
        leaseOwner: workerId,
        leaseToken: crypto.randomUUID(),
        leaseExpiresAt: new Date(now.getTime() + leaseMs),
      },
    }),
    { sort: CLAIM_SORT, returnDocument: "after" },
  );
}

/**
 * A worker that claims as the dispatcher did before batch claims: every free dialer line takes
 * its lead with a claim of its own ({@link claimOneLead}), side by side; the rest (suppression,
 * hand-off, recording) is the dispatcher's own.
 */
export async function startSingleClaimWorker(config: DispatcherConfig) {
  const connection = await connectMongo(config.mongoUri, { dbName: config.mongoDbName, appName: "bench-single-claim" });
  const collections = getCollections(connection.db);
  const { queue, campaigns } = createClaimSources(collections, config);
  const singleClaims = {
    ...queue,
    claimBatch: async (request: BatchClaimRequest) =>
      (await Promise.all(Array.from({ length: request.limit }, () => claimOneLead(collections, request)))).filter(
        (lead) => lead !== null,
      ),
  };
  // A batch as large as the dialer lines: the loop asks for every free line, each claimed alone.
  const settings = { ...config, batchSize: config.concurrency };
  const dispatcher = new Dispatcher(
    settings,
    singleClaims,
    campaigns,
    createWorkerLogger(config.logLevel, { service: "bench-single-claim" }),
  );
  dispatcher.start();
  return {
    dispatcher,
    async stop() {
      await dispatcher.stop();
      await connection.close();
    },
  };
}
