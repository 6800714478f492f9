// The workers share one logger, kept in core because it uses only `console`.
export { createWorkerLogger, type LogLevel, type WorkerLogger } from "@leadline/core";
