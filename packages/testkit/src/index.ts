export { startApiProcess, type ApiProcess, type RuntimeName } from "./api-process.ts";
export { testPhone, testPhones } from "./phone-numbers.ts";
export { processStats, threadCpuMs, type ProcessStats } from "./process-stats.ts";
export { TestDialer, waitFor, type DialerAnswer, type DialerCall } from "./test-dialer.ts";
export { FaultProxy, type HeldRequest } from "./fault-proxy.ts";
export { createTestRepositories, type TestRepositories } from "./test-repositories.ts";
export { connectThroughFaultProxy, type ProxiedDatabase } from "./proxied-database.ts";
export { shippedNodeArgs } from "./shipped-node-args.ts";
