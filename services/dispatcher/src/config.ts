import { dbCheckSchema, envInteger as integer, mongoUriSchema, parseEnv } from "@leadline/core";
import type { StartupCheck } from "@leadline/db/dispatch";
import { z } from "zod";

/** Every environment variable the worker reads; docs/configuration.md has a row for each. */
export const configSchema = z
  .object({
    MONGODB_URI: mongoUriSchema,
    MONGODB_DB: z.string().min(1).optional(),
    DB_CHECK: dbCheckSchema,
    DIALER_URL: z.url({ error: "must be the dialer's http(s) URL" }),
    DIALER_SECRET: z.string().min(16, "must be at least 16 characters (it signs every hand-off)"),
    DISPATCH_CONCURRENCY: integer(4, 1).pipe(z.number().max(256)),
    // Leads leased per claim (never more than the free dialer lines); 1 claims one lead per round trip.
    DISPATCH_BATCH_SIZE: integer(50, 1).pipe(z.number().max(1_000)),
    DISPATCH_LEASE_MS: integer(60_000, 100),
    DISPATCH_TIMEOUT_MS: integer(10_000, 50),
    DISPATCH_POLL_MS: integer(1_000, 10),
    DISPATCH_RETRY_BASE_MS: integer(30_000, 1),
    DISPATCH_RETRY_MAX_MS: integer(3_600_000, 1),
    CAMPAIGN_REFRESH_MS: integer(5_000, 10),
    // Campaign ids one claim query names; more campaigns with waiting leads are claimed in pieces this size.
    DISPATCH_CLAIM_CAMPAIGNS: integer(500, 1).pipe(z.number().max(10_000)),
    // Take-overs of one hand-off in a row (its worker died each time) before the lead is failed.
    DISPATCH_MAX_TAKE_OVERS: integer(5, 1),
    SHUTDOWN_TIMEOUT_MS: integer(15_000, 0),
    WORKER_ID: z.string().min(1).optional(),
    LOG_LEVEL: z.enum(["debug", "info", "warn", "error", "silent"]).default("info"),
    // Where /metrics and /healthz are served; none when unset (0 picks a free port).
    METRICS_PORT: z.coerce.number().int().min(0).max(65_535).optional(),
    // The interface it listens on: loopback unless a scraper elsewhere must reach it (`0.0.0.0`, `::`).
    METRICS_HOST: z.string().min(1).default("127.0.0.1"),
  })
  .refine((env) => env.DISPATCH_LEASE_MS > env.DISPATCH_TIMEOUT_MS, {
    message: "must be longer than DISPATCH_TIMEOUT_MS, or a slow hand-off could be claimed twice",
    path: ["DISPATCH_LEASE_MS"],
  })
  .transform((e) => ({
    mongoUri: e.MONGODB_URI,
    mongoDbName: e.MONGODB_DB,
    dbCheck: { enabled: e.DB_CHECK === "on" } as StartupCheck,
    dialerUrl: e.DIALER_URL,
    dialerSecret: e.DIALER_SECRET,
    concurrency: e.DISPATCH_CONCURRENCY,
    batchSize: e.DISPATCH_BATCH_SIZE,
    leaseMs: e.DISPATCH_LEASE_MS,
    handOffTimeoutMs: e.DISPATCH_TIMEOUT_MS,
    pollMs: e.DISPATCH_POLL_MS,
    retryBaseMs: e.DISPATCH_RETRY_BASE_MS,
    retryMaxMs: e.DISPATCH_RETRY_MAX_MS,
    campaignRefreshMs: e.CAMPAIGN_REFRESH_MS,
    claimCampaigns: e.DISPATCH_CLAIM_CAMPAIGNS,
    maxTakeOvers: e.DISPATCH_MAX_TAKE_OVERS,
    shutdownTimeoutMs: e.SHUTDOWN_TIMEOUT_MS,
    workerId: e.WORKER_ID ?? `worker-${crypto.randomUUID().slice(0, 8)}`,
    logLevel: e.LOG_LEVEL,
    metricsPort: e.METRICS_PORT,
    metricsHost: e.METRICS_HOST,
  }));

/** The worker's settings, in the shape the code uses. */
export type DispatcherConfig = z.output<typeof configSchema>;

/** Parses the worker's environment once; a bad value fails with the variable's name. */
export function parseDispatcherConfig(env: Record<string, string | undefined>): DispatcherConfig {
  return parseEnv(configSchema, env);
}
