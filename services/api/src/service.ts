import { IDEMPOTENCY_TTL_MS, createApiCaches, createLimiters, createZoneLookup, type ApiDeps } from "@leadline/api";
import { connectMongo, createRepositories, ensureIndexes, rateLimitStore } from "@leadline/db";
import type { Logger } from "pino";
import { createApiMetrics } from "./api-metrics.ts";
import type { ApiConfig } from "./env.ts";
import type { ReadFile } from "./http/docs-page.ts";
import { createFetchApp, type FetchApp } from "./http/fetch-app.ts";
import { timeZoneDataUrl } from "@leadline/db";

/** How often expired Idempotency-Key records are deleted. */
const IDEMPOTENCY_SWEEP_INTERVAL_MS = 10 * 60_000;
/** How often the API writes lead events whose writer crashed between a lead's transition and its outbox insert. */
const OWED_EVENT_RECOVERY_INTERVAL_MS = 60_000;

/** The API without a server: its request handler, and how to let go of the database. */
export interface ApiService {
  fetch: FetchApp;
  close(): Promise<void>;
}

/** What only the runtime entry can provide. */
export interface ApiRuntime {
  readFile: ReadFile;
}

/**
 * Connects, creates indexes and builds the request handler. Runtime-neutral:
 * the Node and Deno entries serve `fetch` and call `close` on shutdown.
 */
export async function createApiService(
  config: ApiConfig & { mongoUri: string },
  log: Logger,
  runtime: ApiRuntime,
): Promise<ApiService> {
  // Read before connecting: a missing data file is an installation fault, reported at start-up.
  const zones = createZoneLookup(await runtime.readFile(timeZoneDataUrl()));
  const connection = await connectMongo(config.mongoUri, {
    dbName: config.mongoDbName,
    appName: "leadline-api",
    serverSelectionTimeoutMS: config.mongoServerSelectionTimeoutMs,
    startupCheck: config.dbCheck,
    onReconnect: (stalled) => log.warn(stalled, "database client reconnected: a server heartbeat never settled"),
  });
  try {
    await ensureIndexes(connection.db);
  } catch (error) {
    await connection.close();
    throw error;
  }
  const metrics = createApiMetrics({ processMetrics: true });
  const deps: ApiDeps = {
    repos: createRepositories(connection.db),
    limiters: createLimiters(rateLimitStore(connection), config.limits),
    log,
    caches: createApiCaches({ apiKeyTtlMs: config.apiKeyCacheTtlMs }),
    metrics,
    zones,
    idempotency: { ttlMs: IDEMPOTENCY_TTL_MS, leaseMs: config.idempotencyLeaseMs },
    webhooks: config.webhooks,
    campaigns: config.campaigns,
  };
  // The TTL index does this on real MongoDB; servers without TTL support need the sweep.
  const sweep = setInterval(() => {
    deps.repos.idempotencyRecords
      .deleteExpired(new Date())
      .catch((error: unknown) => log.warn({ err: error }, "sweeping expired idempotency keys failed"));
  }, IDEMPOTENCY_SWEEP_INTERVAL_MS);
  // Any number of API instances may run it: an event written twice is stored once.
  const owedEventRecovery = setInterval(() => {
    for (const events of [deps.repos.leadEvents, deps.repos.importEvents]) {
      events.recoverPending().catch((error: unknown) => log.warn({ err: error }, "recovering owed events failed"));
    }
  }, OWED_EVENT_RECOVERY_INTERVAL_MS);
  const fetch = createFetchApp(deps, log, {
    maxBodyBytes: config.maxBodyBytes,
    trpcMaxBatch: config.trpcMaxBatch,
    metricsToken: config.metricsToken,
    imports: config.imports,
    trustedProxyHops: config.trustedProxyHops,
    metrics,
    readFile: runtime.readFile,
    checkDatabase: () =>
      connection.db
        .command({ ping: 1 }, { timeoutMS: 2_000 })
        .then(() => true)
        .catch(() => false),
  });
  return {
    fetch,
    close: () => {
      clearInterval(sweep);
      clearInterval(owedEventRecovery);
      return connection.close();
    },
  };
}
