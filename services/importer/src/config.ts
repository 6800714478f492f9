import { envInteger as integer, IMPORT_BATCH_SIZE, mongoUriSchema, parseEnv } from "@leadline/core";
import { z } from "zod";

const configSchema = z
  .object({
    MONGODB_URI: mongoUriSchema,
    MONGODB_DB: z.string().min(1).optional(),
    IMPORT_LEASE_MS: integer(30_000, 100),
    IMPORT_POLL_MS: integer(1_000, 10),
    IMPORT_RETENTION_HOURS: z.coerce.number().min(0).default(72),
    IMPORT_RETRY_BASE_MS: integer(500, 1),
    IMPORT_RETRY_MAX_MS: integer(30_000, 1),
    // Rows per insert and per checkpoint; lower only to watch checkpoints in tests.
    IMPORT_BATCH_SIZE: integer(IMPORT_BATCH_SIZE, 1).pipe(z.number().max(IMPORT_BATCH_SIZE)),
    WORKER_ID: z.string().min(1).optional(),
    LOG_LEVEL: z.enum(["debug", "info", "warn", "error", "silent"]).default("info"),
  })
  .transform((e) => ({
    mongoUri: e.MONGODB_URI,
    mongoDbName: e.MONGODB_DB,
    leaseMs: e.IMPORT_LEASE_MS,
    pollMs: e.IMPORT_POLL_MS,
    retentionMs: e.IMPORT_RETENTION_HOURS * 3_600_000,
    retryBaseMs: e.IMPORT_RETRY_BASE_MS,
    retryMaxMs: e.IMPORT_RETRY_MAX_MS,
    batchSize: e.IMPORT_BATCH_SIZE,
    workerId: e.WORKER_ID ?? `importer-${crypto.randomUUID().slice(0, 8)}`,
    logLevel: e.LOG_LEVEL,
  }));

/** The import worker's settings, in the shape the code uses. */
export type ImporterConfig = z.output<typeof configSchema>;

/** Parses the worker's environment once; a bad value fails with the variable's name. */
export function parseImporterConfig(env: Record<string, string | undefined>): ImporterConfig {
  return parseEnv(configSchema, env);
}
