export {
  createApiCaches,
  createContext,
  type ApiCaches,
  type ApiDeps,
  type Context,
  type LeadMetrics,
  type LeadOutcome,
  type RequestInfo,
} from "./context.ts";
export { isServerFault, toAppError, toErrorEnvelope } from "./failure.ts";
export { silentLogger, type Logger } from "./logger.ts";
export { REST_BASE_PATH, buildOpenApiDocument } from "./openapi-document.ts";
export {
  DEFAULT_LIMITER_SETTINGS,
  createLimiters,
  type LimiterSettings,
  type Limiters,
} from "./rate-limit/limiters.ts";
export { appRouter, createCaller, type AppRouter } from "./router.ts";
