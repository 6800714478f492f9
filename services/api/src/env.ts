import type { CampaignSettings, ImportLimits, LimiterSettings, WebhookSettings } from "@leadline/api";
import { dbCheckSchema, envInteger as integer, mongoUriSchema, parseEnv } from "@leadline/core";
import type { StartupCheck } from "@leadline/db";
import { z } from "zod";

/** Every environment variable the API reads; docs/configuration.md has a row for each. */
export const envSchema = z.object({
  NODE_ENV: z.string().optional(),
  PORT: integer(3000).pipe(z.number().max(65535)),
  HOST: z.string().min(1).default("127.0.0.1"),
  MONGODB_URI: mongoUriSchema.optional(),
  MONGODB_DB: z.string().min(1).optional(),
  MONGODB_SERVER_SELECTION_TIMEOUT_MS: integer(5_000, 100),
  DB_CHECK: dbCheckSchema,
  LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
  BULK_RATE_LIMIT: integer(10, 1),
  BULK_RATE_WINDOW_SECONDS: integer(60, 1),
  WRITE_RATE_LIMIT: integer(600, 1),
  WRITE_RATE_WINDOW_SECONDS: integer(60, 1),
  TRPC_MAX_BATCH: integer(20, 1).pipe(z.number().max(50)),
  // When set, GET /metrics wants "Authorization: Bearer <token>"; unset, it stays open (keep it private).
  METRICS_TOKEN: z.string().min(16, "must be at least 16 characters").optional(),
  AUTH_FAILURE_LIMIT: integer(30, 1),
  AUTH_FAILURE_WINDOW_SECONDS: integer(60, 1),
  MAX_BODY_BYTES: integer(10 * 1024 * 1024, 1024),
  MAX_IMPORT_BYTES: integer(1024 * 1024 * 1024, 1),
  IMPORT_MAX_ACTIVE_JOBS: integer(3, 1),
  // Unset: IMPORT_MAX_ACTIVE_JOBS × MAX_IMPORT_BYTES (3 GiB), room for every job slot's file at full size.
  IMPORT_MAX_STORED_BYTES: z.coerce.number().int().min(1).optional(),
  REQUEST_TIMEOUT_MS: integer(30_000, 1000),
  HEADERS_TIMEOUT_MS: integer(10_000, 1000),
  SHUTDOWN_TIMEOUT_MS: integer(10_000, 0),
  API_KEY_CACHE_TTL_MS: integer(5_000, 0),
  IDEMPOTENCY_LEASE_MS: integer(60_000, 100),
  // Hosts a webhook URL may reach over plain http, comma-separated; every other host needs https.
  WEBHOOK_ALLOW_HOSTS: z
    .string()
    .default("")
    .transform((value) =>
      value
        .split(",")
        .map((host) => host.trim().toLowerCase())
        .filter(Boolean),
    ),
  WEBHOOK_ALLOW_PRIVATE: z.enum(["true", "false"], { error: 'must be "true" or "false"' }).default("false"),
  WEBHOOK_MAX_PER_ACCOUNT: integer(20, 1),
  MAX_CAMPAIGNS_PER_ACCOUNT: integer(1000, 1),
  // How many proxies of yours stand in front: "true" means one, "false" none.
  TRUST_PROXY: z
    .union([z.enum(["true", "false"]), z.string().regex(/^\d{1,2}$/, 'must be "true", "false" or a number of proxies')])
    .default("false")
    .transform((value) => (value === "true" ? 1 : value === "false" ? 0 : Number(value))),
});

export type Env = z.output<typeof envSchema>;

export interface ApiConfig {
  /** NODE_ENV=production: no embedded database, no pretty logs. */
  production: boolean;
  port: number;
  host: string;
  mongoUri: string | undefined;
  mongoDbName: string | undefined;
  /** How long a request waits for an unreachable database before it gets a 503. */
  mongoServerSelectionTimeoutMs: number;
  /** DB_CHECK: whether start-up checks the database's exactly-once guards first. */
  dbCheck: StartupCheck;
  logLevel: Env["LOG_LEVEL"];
  limits: LimiterSettings;
  maxBodyBytes: number;
  /** TRPC_MAX_BATCH: calls one tRPC batch request may hold. */
  trpcMaxBatch: number;
  /** METRICS_TOKEN: the bearer token GET /metrics asks for; undefined leaves it open. */
  metricsToken: string | undefined;
  /** MAX_IMPORT_BYTES and IMPORT_MAX_ACTIVE_JOBS: what one upload may weigh, and how many jobs an account may have waiting or running. */
  imports: ImportLimits;
  requestTimeoutMs: number;
  headersTimeoutMs: number;
  shutdownTimeoutMs: number;
  /** How long a found API key is remembered per process; a revoked key works at most this long. */
  apiKeyCacheTtlMs: number;
  /**
   * How long a request with an Idempotency-Key may run before a retry with
   * that key takes over from it (presumed dead): longer than any request takes.
   */
  idempotencyLeaseMs: number;
  /**
   * How many proxies of your own stand in front; the client address is read
   * that many entries from the right of X-Forwarded-For (0: the peer address).
   */
  trustedProxyHops: number;
  /** WEBHOOK_ALLOW_HOSTS, WEBHOOK_ALLOW_PRIVATE and WEBHOOK_MAX_PER_ACCOUNT: what webhook registration accepts. */
  webhooks: WebhookSettings;
  /** MAX_CAMPAIGNS_PER_ACCOUNT: how many campaigns one account may create. */
  campaigns: CampaignSettings;
}

/**
 * Parses the service's settings from environment variables once, at
 * start-up. A bad value stops the process with the variable's name.
 */
export function parseApiConfig(source: Record<string, string | undefined>): ApiConfig {
  const env = parseEnv(envSchema, source);
  return {
    production: env.NODE_ENV === "production",
    port: env.PORT,
    host: env.HOST,
    mongoUri: env.MONGODB_URI,
    mongoDbName: env.MONGODB_DB,
    mongoServerSelectionTimeoutMs: env.MONGODB_SERVER_SELECTION_TIMEOUT_MS,
    dbCheck: { enabled: env.DB_CHECK === "on" },
    logLevel: env.LOG_LEVEL,
    limits: {
      bulkPoints: env.BULK_RATE_LIMIT,
      bulkWindowSeconds: env.BULK_RATE_WINDOW_SECONDS,
      writePoints: env.WRITE_RATE_LIMIT,
      writeWindowSeconds: env.WRITE_RATE_WINDOW_SECONDS,
      authFailurePoints: env.AUTH_FAILURE_LIMIT,
      authFailureWindowSeconds: env.AUTH_FAILURE_WINDOW_SECONDS,
    },
    maxBodyBytes: env.MAX_BODY_BYTES,
    trpcMaxBatch: env.TRPC_MAX_BATCH,
    metricsToken: env.METRICS_TOKEN,
    imports: {
      maxBytes: env.MAX_IMPORT_BYTES,
      maxActiveJobs: env.IMPORT_MAX_ACTIVE_JOBS,
      maxStoredBytes: env.IMPORT_MAX_STORED_BYTES ?? env.IMPORT_MAX_ACTIVE_JOBS * env.MAX_IMPORT_BYTES,
    },
    requestTimeoutMs: env.REQUEST_TIMEOUT_MS,
    headersTimeoutMs: env.HEADERS_TIMEOUT_MS,
    shutdownTimeoutMs: env.SHUTDOWN_TIMEOUT_MS,
    apiKeyCacheTtlMs: env.API_KEY_CACHE_TTL_MS,
    idempotencyLeaseMs: env.IDEMPOTENCY_LEASE_MS,
    trustedProxyHops: env.TRUST_PROXY,
    webhooks: {
      allowHosts: env.WEBHOOK_ALLOW_HOSTS,
      allowPrivate: env.WEBHOOK_ALLOW_PRIVATE === "true",
      maxPerAccount: env.WEBHOOK_MAX_PER_ACCOUNT,
    },
    campaigns: { maxPerAccount: env.MAX_CAMPAIGNS_PER_ACCOUNT },
  };
}
