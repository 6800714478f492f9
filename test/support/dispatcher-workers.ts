import { afterAll, beforeAll } from "vitest";
import { TestDialer } from "@leadline/testkit";
import type { TestDatabase } from "./database.ts";
import { startWorkerProcess, type WorkerProcess, type WorkerRuntime } from "./worker-process.ts";

const DIALER_SECRET = "test-dialer-secret-0123456789";

/**
 * A test dialer and the dispatcher workers a test file starts against it, on
 * `db`, polling quickly: `defaults` and then each start's `env` override the
 * settings. The dialer starts before the file's tests; it and every worker
 * still running stop after them.
 */
export function useDispatcherWorkers(runtime: WorkerRuntime, db: TestDatabase, defaults: Record<string, string> = {}) {
  const dialer = new TestDialer(DIALER_SECRET);
  const workers: WorkerProcess[] = [];
  const start = async (env: Record<string, string> = {}) => {
    const worker = await startWorkerProcess(runtime, {
      MONGODB_URI: db.uri,
      MONGODB_DB: db.dbName,
      DIALER_URL: dialer.url,
      DIALER_SECRET,
      DISPATCH_POLL_MS: "50",
      CAMPAIGN_REFRESH_MS: "100",
      ...defaults,
      ...env,
    });
    workers.push(worker);
    return worker;
  };
  const stopAll = async () => {
    await Promise.all(workers.splice(0).map((worker) => worker.stop()));
  };
  beforeAll(() => dialer.start());
  afterAll(async () => {
    await stopAll();
    await dialer.stop();
  });
  return { dialer, secret: DIALER_SECRET, workers, start, stopAll };
}
