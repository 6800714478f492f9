export { parseImporterConfig, type ImporterConfig } from "./config.ts";
export { ImportWorker } from "./import-worker.ts";
export { runImporter, type RunningImporter } from "./run-worker.ts";
