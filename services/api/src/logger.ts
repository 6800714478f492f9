import pino, { type Logger } from "pino";

/**
 * JSON logs to stdout. Request headers are never logged; the redact list is
 * a second line of defence should one slip into a log call.
 */
export function createLogger(level: string): Logger {
  return pino({
    level,
    base: { service: "leadline-api" },
    redact: {
      paths: ["apiKey", "headers['x-api-key']", "req.headers['x-api-key']", "*.apiKey", "key"],
      censor: "[redacted]",
    },
  });
}
