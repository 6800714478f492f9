export { parseDispatcherConfig, type DispatcherConfig } from "./config.ts";
export { Dispatcher, type DispatcherStats } from "./dispatcher.ts";
export { runWorker, type RunningWorker } from "./run-worker.ts";
export { EligibleCampaigns, claimScopeAt, type CallableNow } from "./eligible-campaigns.ts";
export { createClaimSources } from "./claim-sources.ts";
