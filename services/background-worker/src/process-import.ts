import { isPhoneCountry, type NewLead, type WorkerLogger } from "@leadline/core";
import type {
  CampaignRepository,
  ImportCheckpoint,
  ImportErrors,
  ImportFiles,
  ImportJobDoc,
  ImportJobs,
  ImportRowError,
  LeadRepository,
  SuppressionRepository,
  ZoneLookup,
} from "@leadline/db/imports";
import { ingestLeads } from "@leadline/db/imports";
import { csvRows, ndjsonRows, UnreadableRow, type SourceRow } from "./row-sources.ts";

/** The stores one job touches. */
export interface ImportStores {
  jobs: ImportJobs;
  errors: ImportErrors;
  files: ImportFiles;
  leads: LeadRepository;
  campaigns: CampaignRepository;
  suppressions: Pick<SuppressionRepository, "suppressedAmong">;
  zones: ZoneLookup;
}

export interface ProcessOptions {
  workerId: string;
  leaseMs: number;
  batchSize: number;
}

/** How a run of {@link processImport} ended for this worker. */
export type ProcessOutcome = "completed" | "failed" | "cancelled" | "lost";

/** A failure that ends the job (bad file, `onInvalid: reject`), as opposed to an outage that is retried. */
export class ImportFailure extends Error {}

/**
 * Processes a leased job from its checkpoint to its end: reads the file
 * from the checkpoint's byte, stores rows in batches through the bulk
 * path's own insert, and checkpoints after every batch.
 *
 * Exact counters after a crash: the batch in flight when the previous
 * worker died may be partly stored. Its leads carry this job's id and
 * their file line, so the rows past the checkpoint that this job already
 * stored are counted as created, not as duplicates; the other rows of that
 * batch are processed as if for the first time. Error rows past the
 * checkpoint are dropped first and reported again.
 */
export async function processImport(
  job: ImportJobDoc,
  stores: ImportStores,
  options: ProcessOptions,
  log: WorkerLogger,
): Promise<ProcessOutcome> {
  const { workerId, leaseMs } = options;
  const campaign = await stores.campaigns.findOwned(job.accountId, job.campaignId.toHexString());
  if (!campaign) throw new ImportFailure("The campaign no longer exists");
  if (!job.fileId) throw new ImportFailure("The uploaded file is gone");
  await stores.errors.removeAfterLine(job._id, job.line);
  const alreadyStored = await stores.leads.importedLinesAfter(campaign._id, job._id, job.line);

  const progress: ImportCheckpoint = {
    bytesProcessed: job.bytesProcessed,
    line: job.line,
    rowsProcessed: job.rowsProcessed,
    created: job.created,
    skipped: job.skipped,
    suppressed: job.suppressed,
    invalid: job.invalid,
  };
  const bytes = stores.files.read(job.fileId, job.bytesProcessed, job.bytesTotal);
  const start = { offset: job.bytesProcessed, line: job.line, columns: job.columns };
  // As the bulk endpoint: the upload's own defaultCountry, else the campaign's, reads numbers without +.
  const country = job.options.defaultCountry ?? campaign.defaultCountry ?? undefined;
  const defaultCountry = country && isPhoneCountry(country) ? country : undefined;
  const rows =
    job.format === "csv"
      ? csvRows(bytes, start, {
          hasHeader: job.options.hasHeader,
          defaultCountry,
          onColumns: (columns) => stores.jobs.setColumns(job._id, workerId, columns),
        })
      : ndjsonRows(bytes, start, defaultCountry);

  let rejected: string | undefined;
  async function flush(batch: SourceRow[]): Promise<ProcessOutcome | undefined> {
    const leads: NewLead[] = [];
    const lines: number[] = [];
    const errors: ImportRowError[] = [];
    for (const row of batch) {
      if (!row.checked.ok) {
        errors.push({ line: row.line, error: row.checked.problem, fields: row.fields });
        continue;
      }
      if (alreadyStored.has(row.line)) progress.created += 1;
      else {
        leads.push(row.checked.lead);
        lines.push(row.line);
      }
    }
    if (leads.length > 0) {
      // The bulk path's own ingest: one suppression query per batch, zones from each number.
      const result = await ingestLeads(stores, campaign!, leads, {
        zonesOf: stores.zones.zonesOf,
        origin: { importId: job._id, lines },
      });
      const suppressed = result.suppressedPhones.length;
      progress.created += result.created;
      progress.skipped += result.skipped - suppressed;
      progress.suppressed += suppressed;
    }
    await stores.errors.add(job._id, errors);
    const last = batch[batch.length - 1]!;
    progress.rowsProcessed += batch.length;
    progress.invalid += errors.length;
    progress.bytesProcessed = last.endOffset;
    progress.line = last.line;
    const saved = await stores.jobs.checkpoint(job._id, workerId, progress, leaseMs);
    log.info({ importId: job._id.toHexString(), ...progress }, "import checkpoint");
    if (!saved) return "lost";
    if (saved.state === "cancelled") return "cancelled";
    return undefined;
  }

  // One batch is written while the next is read and parsed: the database's round trips and the
  // parser overlap. Batches are still written one after another, each checkpointed before the
  // next starts, so a checkpoint never runs ahead of the rows stored before it.
  let writing: Promise<ProcessOutcome | undefined> | undefined;
  const written = async () => {
    const pending = writing;
    writing = undefined;
    return pending;
  };
  let batch: SourceRow[] = [];
  try {
    try {
      for await (const row of rows) {
        batch.push(row);
        if (!row.checked.ok && job.options.onInvalid === "reject") {
          rejected = `line ${row.line}: ${row.checked.problem} (onInvalid=reject)`;
          break;
        }
        if (batch.length >= options.batchSize) {
          const stop = await written();
          if (stop) return stop;
          writing = flush(batch);
          // Its failure is seen when it is awaited, before the next batch or at the end.
          writing.catch(() => undefined);
          batch = [];
        }
      }
    } catch (error) {
      // Like a rejected row: the rows before it are stored, then the job fails with the reason.
      if (!(error instanceof UnreadableRow)) throw error;
      rejected = error.message;
    }
    const stop = await written();
    if (stop) return stop;
  } finally {
    // Leaving early (a read error, a stop): the batch being written settles before anyone resumes.
    await writing?.catch(() => undefined);
  }
  if (batch.length > 0) {
    const stop = await flush(batch);
    if (stop) return stop;
  }
  if (rejected) throw new ImportFailure(rejected);
  return "completed";
}
