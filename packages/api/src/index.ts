export {
  createApiCaches,
  createContext,
  type ApiCaches,
  type ApiDeps,
  type Context,
  type IdempotencySettings,
  type LeadMetrics,
  type LeadMetricOutcome,
  type RequestInfo,
  type WebhookSettings,
  type CampaignSettings,
} from "./context.ts";
export { isServerFault, toAppError, toErrorEnvelope, toTrpcError } from "./failure.ts";
export type { Logger } from "./logger.ts";
export { IDEMPOTENCY_KEY_HEADER, IDEMPOTENCY_TTL_MS, REPLAYED_HEADER } from "./idempotency/idempotent-posts.ts";
export { REST_BASE_PATH, buildOpenApiDocument } from "./openapi-document.ts";
export { createLimiters, type LimiterSettings, type Limiters } from "./rate-limit/limiters.ts";
export { appRouter, createCaller, type AppRouter } from "./router.ts";
export { createZoneLookup, MAX_ZONES_PER_NUMBER, type ZoneLookup } from "@leadline/db";
export { startImport, type ImportLimits, type ImportStarted, type ImportUpload } from "./imports/start-import.ts";
export { importErrorReport } from "./imports/import-error-report.ts";
