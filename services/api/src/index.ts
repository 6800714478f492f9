export { startApi, type RunningApi } from "./app.ts";
export { parseApiConfig, type ApiConfig } from "./env.ts";
export { createLogger } from "./logger.ts";
