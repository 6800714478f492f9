import pino, { type Logger } from "pino";
import pretty from "pino-pretty";

/**
 * JSON logs to stdout, or pretty-printed for a person at a terminal
 * (development only). Request headers are never logged; the redact list is
 * a second line of defence should one slip into a log call.
 */
export function createLogger(level: string, options: { pretty?: boolean } = {}): Logger {
  const settings = {
    level,
    base: { service: "leadline-api" },
    redact: {
      paths: ["apiKey", "headers['x-api-key']", "req.headers['x-api-key']", "*.apiKey", "key"],
      censor: "[redacted]",
    },
  };
  // A synchronous stream rather than a transport: no worker thread, and nothing lost at exit.
  return options.pretty ? pino(settings, pretty({ colorize: true, sync: true })) : pino(settings);
}
