import type { Collections } from "./collections.ts";
import type { ImportJobDoc } from "./documents.ts";
import { createOwedEvents } from "./owed-events.ts";

/** What an ended job tells webhooks. */
export function importEventPayload(job: ImportJobDoc): Record<string, unknown> {
  return {
    import: {
      id: job._id.toHexString(),
      campaignId: job.campaignId.toHexString(),
      state: job.state,
      error: job.error ?? null,
    },
  };
}

/**
 * `import.completed` and `import.failed` into the outbox by the protocol of
 * every event (`owed-events.ts`): the job's finishing update marks the event
 * owed (`import-jobs.ts`), and only an update that applied writes it.
 */
export function createImportEvents(collections: Pick<Collections, "importJobs" | "outboxEvents">) {
  return createOwedEvents(collections.importJobs, collections, importEventPayload);
}
