export { startApi, startApiOn, type RunningApi } from "./adapter/node/start-api.ts";
export { parseApiConfig, type ApiConfig } from "./env.ts";
export { createLogger } from "./logger.ts";
export { createApiService, type ApiService } from "./service.ts";
