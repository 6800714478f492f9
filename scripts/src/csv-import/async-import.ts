import { createHash } from "node:crypto";
import { createReadStream, createWriteStream, statSync } from "node:fs";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import type { ReadableStream as WebReadableStream } from "node:stream/web";
import { backoffDelayMs, parseRetryAfterMs, type ImportView } from "@leadline/core";

export interface AsyncImportOptions {
  url: string;
  apiKey: string;
  campaignId: string;
  file: string;
  /** The file's path, size and mtime: the Idempotency-Key is derived from it, as the sync path's keys are. */
  fileFingerprint: string;
  /** Query options of the upload: onInvalid, defaultCountry. */
  query: Record<string, string>;
  /** Where the error report goes when the job rejected rows. */
  errorsFile: string;
  maxAttempts: number;
  pollMs: number;
  /** Progress for people: a bar on a terminal, periodic lines otherwise. */
  interactive: boolean;
  log(message: string): void;
  /** Progress output (stderr). */
  write(text: string): void;
}

/** How following the job ended. */
export interface AsyncImportSummary {
  importId: string;
  /** The job's last known state (still `queued` or `running` after Ctrl-C). */
  state: ImportView["state"];
  stoppedFollowing: boolean;
  rows: number;
  created: number;
  skipped: number;
  suppressed: number;
  invalid: number;
  errorsFile: string | undefined;
  error: string | null;
  seconds: number;
  leadsPerSecond: number;
}

const sleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener(
      "abort",
      () => {
        clearTimeout(timer);
        resolve();
      },
      { once: true },
    );
  });

async function errorOf(response: Response): Promise<string> {
  const text = await response.text().catch(() => "");
  try {
    return (JSON.parse(text) as { error?: string }).error ?? `HTTP ${response.status}`;
  } catch {
    return `HTTP ${response.status}: ${text.slice(0, 200)}`;
  }
}

/** The upload's Idempotency-Key: the file (path, size, mtime) and the options, so a rerun finds its job. */
export const uploadKey = (fileFingerprint: string, query: Record<string, string>) =>
  `csv-import-${createHash("sha256")
    .update(`${fileFingerprint}\n${new URLSearchParams(Object.entries(query).sort()).toString()}`)
    .digest("hex")}`;

/**
 * Uploads the file (streamed from disk) as an import job. 429 (the
 * account's job cap) and 409 (an earlier run's upload with this key still
 * arriving) are waited out as the server says; 5xx and network errors are
 * retried with backoff, re-reading the file: the key makes a retry get the
 * first upload's job, never a second one.
 */
async function upload(options: AsyncImportOptions, signal: AbortSignal): Promise<ImportView> {
  const key = uploadKey(options.fileFingerprint, options.query);
  const search = new URLSearchParams(options.query).toString();
  const target = `${options.url}/api/v1/campaigns/${encodeURIComponent(options.campaignId)}/imports${search ? `?${search}` : ""}`;
  let failures = 0;
  for (;;) {
    if (signal.aborted) throw new Error("stopped before the upload finished");
    let response: Response;
    try {
      response = await fetch(target, {
        method: "POST",
        headers: { "content-type": "text/csv", "x-api-key": options.apiKey, "idempotency-key": key },
        body: Readable.toWeb(createReadStream(options.file)) as ReadableStream<Uint8Array>,
        duplex: "half",
        signal,
      } as RequestInit);
    } catch (error) {
      if (signal.aborted) throw new Error("stopped before the upload finished");
      const reason =
        error instanceof Error ? (error.cause instanceof Error ? error.cause.message : error.message) : String(error);
      if (++failures >= options.maxAttempts) throw new Error(`upload failed: network error: ${reason}`);
      const wait = backoffDelayMs(failures, { baseMs: 500, maxMs: 30_000 });
      options.log(`upload: network error (${reason}); retrying in ${(wait / 1000).toFixed(1)} s`);
      await sleep(wait, signal);
      continue;
    }
    if (response.status === 202) {
      const body = (await response.json()) as { data: ImportView };
      const replayed = response.headers.get("idempotent-replayed") === "true";
      options.log(
        replayed
          ? `import ${body.data.id}: this file was already uploaded (same Idempotency-Key); following that job`
          : `import ${body.data.id} queued (${body.data.bytesTotal} bytes uploaded)`,
      );
      return body.data;
    }
    if (response.status === 429 || response.status === 409) {
      const wait = (parseRetryAfterMs(response.headers.get("retry-after")) || 1000) + Math.round(Math.random() * 250);
      options.log(`upload: ${await errorOf(response)}; waiting ${(wait / 1000).toFixed(1)} s`);
      await sleep(wait, signal);
      continue;
    }
    const message = await errorOf(response);
    if (response.status < 500 || ++failures >= options.maxAttempts) throw new Error(`upload failed: ${message}`);
    const wait = backoffDelayMs(failures, { baseMs: 500, maxMs: 30_000 });
    options.log(`upload: server error (${message}); retrying in ${(wait / 1000).toFixed(1)} s`);
    await sleep(wait, signal);
  }
}

async function getJob(options: AsyncImportOptions, id: string): Promise<ImportView | undefined> {
  try {
    const response = await fetch(`${options.url}/api/v1/imports/${id}`, {
      headers: { "x-api-key": options.apiKey },
      signal: AbortSignal.timeout(30_000),
    });
    if (response.ok) return ((await response.json()) as { data: ImportView }).data;
    if (response.status < 500 && response.status !== 429)
      throw new Error(`following the job failed: ${await errorOf(response)}`);
  } catch (error) {
    if (error instanceof Error && error.message.startsWith("following the job failed")) throw error;
  }
  return undefined; // a passing outage or rate limit: the next poll tries again
}

const ENDED = new Set(["completed", "failed", "cancelled"]);

const duration = (seconds: number) =>
  !Number.isFinite(seconds)
    ? "?"
    : seconds >= 3600
      ? `${Math.floor(seconds / 3600)}h${String(Math.floor((seconds % 3600) / 60)).padStart(2, "0")}m`
      : seconds >= 60
        ? `${Math.floor(seconds / 60)}m${String(Math.round(seconds % 60)).padStart(2, "0")}s`
        : `${Math.round(seconds)}s`;

/** Seconds left, from the share of the file read so far and the time it took. */
function etaSeconds(view: ImportView, now: number): number {
  if (!view.startedAt || view.bytesProcessed <= 0 || view.bytesTotal <= 0) return Number.NaN;
  const elapsed = (now - Date.parse(view.startedAt)) / 1000;
  return (elapsed * (view.bytesTotal - view.bytesProcessed)) / view.bytesProcessed;
}

/** One progress report: a bar for a terminal, a plain line otherwise. */
export function progressText(view: ImportView, interactive: boolean, now = Date.now()): string {
  const eta = view.state === "running" ? `ETA ${duration(etaSeconds(view, now))}` : view.state;
  const figures = `rows ${view.rowsProcessed} · ${view.percent}% · ${view.leadsPerSecond} leads/s · ${eta}`;
  if (!interactive) return `import ${view.id}: ${figures} · created ${view.created} · invalid ${view.invalid}`;
  const width = 24;
  const filled = Math.round((Math.min(100, Math.max(0, view.percent)) / 100) * width);
  return `[${"#".repeat(filled)}${"-".repeat(width - filled)}] ${figures}`;
}

/** Saves `GET /imports/{id}/errors` to `path`, streamed. */
async function saveErrorReport(options: AsyncImportOptions, id: string, path: string): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      const response = await fetch(`${options.url}/api/v1/imports/${id}/errors`, {
        headers: { "x-api-key": options.apiKey },
      });
      if (!response.ok || !response.body) throw new Error(await errorOf(response));
      const out = createWriteStream(path);
      await pipeline(Readable.fromWeb(response.body as WebReadableStream), out);
      return;
    } catch (error) {
      if (attempt >= options.maxAttempts) throw error;
      await sleep(backoffDelayMs(attempt, { baseMs: 500, maxMs: 10_000 }));
    }
  }
}

/**
 * `--async`: uploads the file as an import job and follows it until it
 * ends, or until `stop` is aborted (Ctrl-C), which stops following only:
 * the job goes on on the server.
 */
export async function importAsync(options: AsyncImportOptions, stop: AbortSignal): Promise<AsyncImportSummary> {
  const started = Date.now();
  statSync(options.file);
  let view = await upload(options, stop);
  let lastLine = 0;
  while (!ENDED.has(view.state) && !stop.aborted) {
    const now = Date.now();
    if (options.interactive) options.write(`\r\x1b[K${progressText(view, true, now)}`);
    else if (now - lastLine >= 2000) {
      options.write(`${progressText(view, false, now)}\n`);
      lastLine = now;
    }
    await sleep(options.pollMs, stop);
    if (stop.aborted) break;
    view = (await getJob(options, view.id)) ?? view;
  }
  if (options.interactive) options.write(`\r\x1b[K${progressText(view, true)}\n`);
  else options.write(`${progressText(view, false)}\n`);

  let errorsFile: string | undefined;
  if (ENDED.has(view.state) && view.invalid > 0) {
    await saveErrorReport(options, view.id, options.errorsFile);
    errorsFile = options.errorsFile;
  }
  const seconds = (Date.now() - started) / 1000;
  const jobSeconds =
    view.startedAt && view.finishedAt ? (Date.parse(view.finishedAt) - Date.parse(view.startedAt)) / 1000 : seconds;
  return {
    importId: view.id,
    state: view.state,
    stoppedFollowing: !ENDED.has(view.state),
    rows: view.rowsProcessed,
    created: view.created,
    skipped: view.skipped,
    suppressed: view.suppressed,
    invalid: view.invalid,
    errorsFile,
    error: view.error,
    seconds,
    leadsPerSecond: jobSeconds > 0 ? Math.round(view.created / jobSeconds) : view.leadsPerSecond,
  };
}
