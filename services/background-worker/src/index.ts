export { parseBackgroundWorkerConfig, type BackgroundWorkerConfig } from "./config.ts";
export { ImportWorker } from "./import-worker.ts";
export { runBackgroundWorker, type RunningBackgroundWorker } from "./run-worker.ts";
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
