import { dbCheckSchema, envInteger as integer, IMPORT_BATCH_SIZE, mongoUriSchema, parseEnv } from "@leadline/core";
import type { StartupCheck } from "@leadline/db/imports";
import { z } from "zod";

/** The loops a background worker can run: import jobs, and the outbox's webhook fan-out, delivery and retention. */
export const BACKGROUND_LOOPS = ["imports", "webhooks"] as const;

/** One of {@link BACKGROUND_LOOPS}. */
export type BackgroundLoop = (typeof BACKGROUND_LOOPS)[number];

/** BACKGROUND_LOOPS: a comma-separated list of loop names, each once at most; an unknown name or no name fails. */
const loopsSchema = z
  .string()
  .default(BACKGROUND_LOOPS.join(","))
  .transform((text) =>
    text
      .split(",")
      .map((name) => name.trim())
      .filter((name) => name !== ""),
  )
  .pipe(
    z
      .array(z.enum(BACKGROUND_LOOPS, { error: `each loop must be one of ${BACKGROUND_LOOPS.join(", ")}` }))
      .min(1, `must name at least one loop of ${BACKGROUND_LOOPS.join(", ")}`),
  )
  .transform((names) => new Set<BackgroundLoop>(names));

/** Every environment variable the worker reads; docs/configuration.md has a row for each. */
export const configSchema = z
  .object({
    MONGODB_URI: mongoUriSchema,
    MONGODB_DB: z.string().min(1).optional(),
    DB_CHECK: dbCheckSchema,
    // Which loops this process runs; `pnpm worker:webhooks` runs only the webhooks one.
    BACKGROUND_LOOPS: loopsSchema,
    IMPORT_LEASE_MS: integer(30_000, 100),
    IMPORT_POLL_MS: integer(1_000, 10),
    IMPORT_RETENTION_HOURS: z.coerce.number().min(0).default(72),
    // Claims a job may have without finishing before it is failed: a file that kills its worker stops there.
    IMPORT_MAX_CLAIMS: integer(5, 1),
    IMPORT_RETRY_BASE_MS: integer(500, 1),
    IMPORT_RETRY_MAX_MS: integer(30_000, 1),
    // Rows per insert and per checkpoint; lower only to watch checkpoints in tests.
    IMPORT_BATCH_SIZE: integer(IMPORT_BATCH_SIZE, 1).pipe(z.number().max(IMPORT_BATCH_SIZE)),
    WORKER_ID: z.string().min(1).optional(),
    // The webhooks loop.
    WEBHOOK_ALLOW_PRIVATE: z.enum(["true", "false"], { error: 'must be "true" or "false"' }).default("false"),
    WEBHOOK_RETRY_BASE_MS: integer(10_000, 1),
    WEBHOOK_RETRY_MAX_MS: integer(3_600_000, 1),
    WEBHOOK_GIVE_UP_MS: integer(24 * 3_600_000, 0),
    WEBHOOK_TIMEOUT_MS: integer(10_000, 1),
    WEBHOOK_POLL_MS: integer(1_000, 10),
    WEBHOOK_LEASE_MS: integer(60_000, 100),
    WEBHOOK_CONCURRENCY: integer(4, 1).pipe(z.number().max(64)),
    // Attempts in flight to one endpoint, across every worker process.
    WEBHOOK_ENDPOINT_CONCURRENCY: integer(2, 1).pipe(z.number().max(4)),
    // Failed attempts in a row that open an endpoint's circuit breaker, and how long it then waits.
    WEBHOOK_BREAKER_FAILURES: integer(5, 1),
    WEBHOOK_BREAKER_COOLDOWN_MS: integer(60_000, 0),
    WEBHOOK_RETENTION_HOURS: z.coerce.number().min(0).default(720),
    LOG_LEVEL: z.enum(["debug", "info", "warn", "error", "silent"]).default("info"),
  })
  .transform((e) => ({
    mongoUri: e.MONGODB_URI,
    mongoDbName: e.MONGODB_DB,
    dbCheck: { enabled: e.DB_CHECK === "on" } as StartupCheck,
    loops: e.BACKGROUND_LOOPS as ReadonlySet<BackgroundLoop>,
    leaseMs: e.IMPORT_LEASE_MS,
    pollMs: e.IMPORT_POLL_MS,
    retentionMs: e.IMPORT_RETENTION_HOURS * 3_600_000,
    maxClaims: e.IMPORT_MAX_CLAIMS,
    retryBaseMs: e.IMPORT_RETRY_BASE_MS,
    retryMaxMs: e.IMPORT_RETRY_MAX_MS,
    batchSize: e.IMPORT_BATCH_SIZE,
    workerId: e.WORKER_ID ?? `background-worker-${crypto.randomUUID().slice(0, 8)}`,
    logLevel: e.LOG_LEVEL,
    webhooks: {
      allowPrivate: e.WEBHOOK_ALLOW_PRIVATE === "true",
      retryBaseMs: e.WEBHOOK_RETRY_BASE_MS,
      retryMaxMs: e.WEBHOOK_RETRY_MAX_MS,
      giveUpMs: e.WEBHOOK_GIVE_UP_MS,
      timeoutMs: e.WEBHOOK_TIMEOUT_MS,
      pollMs: e.WEBHOOK_POLL_MS,
      // Longer than an attempt can take, so a live sender never loses its delivery to another.
      leaseMs: Math.max(e.WEBHOOK_LEASE_MS, e.WEBHOOK_TIMEOUT_MS + 5_000),
      concurrency: e.WEBHOOK_CONCURRENCY,
      endpointConcurrency: e.WEBHOOK_ENDPOINT_CONCURRENCY,
      // The most send tasks one account may hold in a process, so that another account always finds one free.
      accountConcurrency: Math.max(1, Math.ceil(e.WEBHOOK_CONCURRENCY / 2)),
      breaker: { failures: e.WEBHOOK_BREAKER_FAILURES, coolDownMs: e.WEBHOOK_BREAKER_COOLDOWN_MS },
      retentionMs: e.WEBHOOK_RETENTION_HOURS * 3_600_000,
    },
  }));

/** The background worker's settings, in the shape the code uses. */
export type BackgroundWorkerConfig = z.output<typeof configSchema>;

/** Parses the worker's environment once; a bad value fails with the variable's name. */
export function parseBackgroundWorkerConfig(env: Record<string, string | undefined>): BackgroundWorkerConfig {
  return parseEnv(configSchema, env);
}
