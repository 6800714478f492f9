import { afterAll } from "vitest";
import type { WebhookReceiver } from "./webhook-receiver.ts";
import type { WorkerProcess } from "./worker-process.ts";

/** Worker processes and receivers a describe block starts, stopped and closed after its last test. */
export function useWorkersAndReceivers(): { workers: WorkerProcess[]; receivers: WebhookReceiver[] } {
  const workers: WorkerProcess[] = [];
  const receivers: WebhookReceiver[] = [];
  afterAll(async () => {
    await Promise.all(workers.map((worker) => worker.stop()));
    await Promise.all(receivers.map((receiver) => receiver.close()));
  });
  return { workers, receivers };
}
