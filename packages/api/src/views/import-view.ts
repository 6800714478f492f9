import type { ImportView } from "@leadline/core";
import type { ImportJobDoc } from "@leadline/db";

const iso = (date: Date | undefined) => date?.toISOString() ?? null;

/** The public view of a job; progress figures are derived here, never stored. */
export function toImportView(job: ImportJobDoc, now = new Date()): ImportView {
  const percent = job.bytesTotal === 0 ? 0 : Math.min(100, (job.bytesProcessed / job.bytesTotal) * 100);
  const end = job.finishedAt ?? now;
  const seconds = job.startedAt ? (end.getTime() - job.startedAt.getTime()) / 1000 : 0;
  return {
    id: job._id.toHexString(),
    campaignId: job.campaignId.toHexString(),
    state: job.state === "uploading" ? "queued" : job.state,
    format: job.format,
    rowsProcessed: job.rowsProcessed,
    created: job.created,
    skipped: job.skipped,
    suppressed: job.suppressed,
    invalid: job.invalid,
    bytesProcessed: job.bytesProcessed,
    bytesTotal: job.bytesTotal,
    percent: Math.round(percent * 10) / 10,
    leadsPerSecond: seconds > 0 ? Math.round(job.rowsProcessed / seconds) : 0,
    createdAt: job.createdAt.toISOString(),
    startedAt: iso(job.startedAt),
    finishedAt: iso(job.finishedAt),
    error: job.error ?? null,
  };
}
