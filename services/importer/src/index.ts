export { parseImporterConfig, type ImporterConfig } from "./config.ts";
export { ImportWorker } from "./import-worker.ts";
export { runImporter, type RunningImporter } from "./run-worker.ts";
export { WebhookDeliveryLoop } from "./webhook-delivery-loop.ts";
export {
  checkTarget,
  connectAddress,
  DeliveryConnectError,
  TargetRefusedError,
  type ResolveHost,
  type TargetCheck,
  type WebhookTransport,
} from "./webhook-target.ts";
