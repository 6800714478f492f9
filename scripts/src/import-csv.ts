// `pnpm import:csv` starts this with `--max-semi-space-size=1 --max-old-space-size=128`: it holds one batch at
// a time (about 60 MiB at most, 1000 leads of maximum-size metadata), so small V8 heap limits keep RSS near
// 100 MiB on a million rows instead of ~160 MiB of uncollected garbage; the bench and tests run it the same way.
import { parseArgs } from "node:util";
import { existsSync, statSync } from "node:fs";
import path from "node:path";
import { isPhoneCountry } from "@leadline/core";
import { readCsvRows } from "./csv-import/csv-rows.ts";
import { importAsync } from "./csv-import/async-import.ts";
import { importRows, type ImportSummary } from "./csv-import/importer.ts";
import { suppressionTarget } from "./csv-import/send-batch.ts";

const HELP = `Usage: pnpm import:csv --file leads.csv --campaign ID [options]
       pnpm import:csv --async --file leads.csv --campaign ID [options]
       pnpm import:csv --suppressions --file dnc.csv [--campaign ID] [options]

Imports a CSV file of leads through POST /api/v1/leads/bulk, in batches.
With --suppressions, loads a do-not-call file instead through
POST /api/v1/suppressions (every campaign of the account, or only --campaign):
"created" then counts numbers added, "skipped" numbers already on the list.

Columns: phone (or phoneNumber), id (or externalId), priority, scheduledFor;
every other column (name, company, ...) goes into the lead's metadata.
Rows are checked locally first; bad rows are reported by line number and not
sent (with --on-invalid skip they are sent, and the server's verdict is
reported instead). Rate limits are respected (Retry-After and the RateLimit headers);
server errors and network errors are retried with exponential backoff and
jitter. Running the same file again is safe: stored phones are skipped. Each
batch carries an Idempotency-Key derived from the file (path, size, mtime) and
the batch, so rerunning after a crash within 24 hours reports what each batch
really created rather than counting those leads as skipped.

With --async, the file is uploaded once (streamed from disk) as an import job,
POST /api/v1/campaigns/ID/imports, and the script follows the job: a progress
bar on a terminal (rows, percent, leads/s, time left), a line every 2 s
otherwise. The server checks every row (onInvalid skip, whatever
--on-invalid says: a bad row is reported, never sent on its own); the job's
error report is saved as <file>.errors.csv (or --invalid-file). The upload
carries an Idempotency-Key derived from the file (path, size, mtime) and the
options, so running it again follows the same job instead of starting a
second. Ctrl-C stops following; the job goes on, and the script prints how
to cancel it.

  --file PATH          CSV file with a header row (required)
  --campaign ID        campaign to import into (required for leads)
  --suppressions       the file is a do-not-call list (phone column)
  --reason TEXT        with --suppressions: why, kept with each entry
  --api-key KEY        API key with write scope (default: $LEADLINE_API_KEY)
  --url URL            API base URL (default: $LEADLINE_URL or http://127.0.0.1:3000)
  --on-invalid MODE    reject (default): bad rows are caught here and not sent;
                       skip: every row is sent with onInvalid "skip", and the
                       rows the server refuses go to the invalid file
  --default-country CC read numbers without + as national numbers of CC
                       (ISO 3166-1 alpha-2, e.g. US); default: the campaign's
  --batch-size N       leads per request, 1 to 1000 (default 500)
  --max-attempts N     attempts per batch on 5xx/network errors (default 8)
  --skipped-file PATH  where skipped phones go (default: <file>.skipped.csv)
  --invalid-file PATH  where invalid rows go (default: <file>.invalid.csv)
  --async              upload the file as an import job and follow it
  --poll-interval MS   with --async: how often to ask for progress (default 1000)
  --json               print the summary as one JSON object on stdout
  -h, --help           show this help

Exit code: 0 when every valid row was stored or skipped as a duplicate,
1 when a batch finally failed (with --async: the upload failed, or the job
failed or was cancelled), 2 for bad arguments, 130 after Ctrl-C with --async.`;

function fail(message: string): never {
  console.error(`${message}\n\nRun with --help for usage.`);
  process.exit(2);
}

const { values } = (() => {
  try {
    return parseArgs({
      options: {
        file: { type: "string" },
        campaign: { type: "string" },
        suppressions: { type: "boolean", default: false },
        reason: { type: "string" },
        "api-key": { type: "string" },
        url: { type: "string" },
        "batch-size": { type: "string", default: "500" },
        "on-invalid": { type: "string", default: "reject" },
        "default-country": { type: "string" },
        "max-attempts": { type: "string", default: "8" },
        "skipped-file": { type: "string" },
        "invalid-file": { type: "string" },
        json: { type: "boolean", default: false },
        async: { type: "boolean", default: false },
        "poll-interval": { type: "string", default: "1000" },
        help: { type: "boolean", short: "h", default: false },
      },
    });
  } catch (error) {
    return fail(error instanceof Error ? error.message : String(error));
  }
})();

if (values.help) {
  console.log(HELP);
  process.exit(0);
}
const file = values.file ?? fail("--file is required");
if (!existsSync(file)) fail(`--file: no such file: ${file}`);
const campaignId = values.suppressions ? (values.campaign ?? "") : (values.campaign ?? fail("--campaign is required"));
const apiKey =
  values["api-key"] ?? process.env.LEADLINE_API_KEY ?? fail("an API key is required: --api-key or LEADLINE_API_KEY");
const batchSize = Number(values["batch-size"]);
if (!Number.isInteger(batchSize) || batchSize < 1 || batchSize > 1000)
  fail("--batch-size must be an integer from 1 to 1000");
const maxAttempts = Number(values["max-attempts"]);
if (!Number.isInteger(maxAttempts) || maxAttempts < 1) fail("--max-attempts must be a positive integer");
const onInvalid = values["on-invalid"];
if (onInvalid !== "reject" && onInvalid !== "skip") fail("--on-invalid must be reject or skip");
const defaultCountry = values["default-country"];
if (defaultCountry !== undefined && !isPhoneCountry(defaultCountry))
  fail("--default-country must be an ISO 3166-1 alpha-2 country code in capitals, such as US");
const stat = statSync(file);
const fileFingerprint = `${path.resolve(file)}\n${stat.size}\n${stat.mtimeMs}`;
const url = (values.url ?? process.env.LEADLINE_URL ?? "http://127.0.0.1:3000").replace(/\/+$/, "");

const interactive = process.stderr.isTTY;

if (values.async) {
  if (values.suppressions) fail("--async imports leads; load a do-not-call list without it");
  const pollMs = Number(values["poll-interval"]);
  if (!Number.isInteger(pollMs) || pollMs < 10) fail("--poll-interval must be an integer of at least 10 (ms)");
  const stop = new AbortController();
  process.once("SIGINT", () => stop.abort());
  const result = await importAsync(
    {
      url,
      apiKey,
      campaignId,
      file,
      fileFingerprint,
      // The sync path's "reject" keeps bad rows back and sends the rest: for a job, that is onInvalid skip.
      query: { onInvalid: "skip", ...(defaultCountry ? { defaultCountry } : {}) },
      errorsFile: values["invalid-file"] ?? `${file}.errors.csv`,
      maxAttempts,
      pollMs,
      interactive: Boolean(interactive),
      log: (message) => console.error(interactive ? `\r\x1b[K${message}` : message),
      write: (text) => process.stderr.write(text),
    },
    stop.signal,
  ).catch((error: unknown) => {
    console.error(error instanceof Error ? error.message : String(error));
    process.exit(stop.signal.aborted ? 130 : 1);
  });
  if (result.stoppedFollowing) {
    console.error(
      `Stopped following import ${result.importId}; it goes on on the server (state: ${result.state}).\n` +
        `Follow it:  curl -H "x-api-key: $LEADLINE_API_KEY" ${url}/api/v1/imports/${result.importId}\n` +
        `Cancel it:  curl -X POST -H "x-api-key: $LEADLINE_API_KEY" ${url}/api/v1/imports/${result.importId}/cancel`,
    );
  }
  if (values.json) {
    console.log(JSON.stringify(result));
  } else {
    console.log(`Import job ${result.importId} ${result.stoppedFollowing ? "not followed to its end" : result.state} after ${result.seconds.toFixed(1)} s
  rows read:  ${result.rows}
  created:    ${result.created}
  skipped:    ${result.skipped}  (duplicates)
  suppressed: ${result.suppressed}
  invalid:    ${result.invalid}${result.errorsFile ? `  (lines in ${result.errorsFile})` : ""}
  throughput: ${result.leadsPerSecond} leads/s`);
    if (result.error && result.state !== "completed")
      console.log(`${result.state === "failed" ? "Failed" : "Note"}: ${result.error}`);
  }
  process.exit(result.stoppedFollowing ? 130 : result.state === "completed" ? 0 : 1);
}
let lastProgress = 0;
const progressLine = (s: ImportSummary) =>
  `rows ${s.rows} · created ${s.created} · skipped ${s.skipped} · invalid ${s.invalid} · failed ${s.failed} · ${s.leadsPerSecond} leads/s`;

const rules = { sendInvalid: onInvalid === "skip", ...(defaultCountry ? { defaultCountry } : {}) };
const summary = await importRows(readCsvRows(file, values.suppressions ? {} : rules), {
  url,
  apiKey,
  campaignId,
  target: values.suppressions ? suppressionTarget(values.campaign, values.reason) : undefined,
  bulkOptions: {
    ...(onInvalid === "skip" ? { onInvalid } : {}),
    ...(defaultCountry ? { defaultCountry } : {}),
  },
  fileFingerprint,
  batchSize,
  maxAttempts,
  requestTimeoutMs: 60_000,
  skippedFile: values["skipped-file"] ?? `${file}.skipped.csv`,
  invalidFile: values["invalid-file"] ?? `${file}.invalid.csv`,
  log: (message) => console.error(interactive ? `\r\x1b[K${message}` : message),
  progress: (s) => {
    const now = Date.now();
    if (interactive) process.stderr.write(`\r\x1b[K${progressLine(s)}`);
    else if (now - lastProgress >= 2000) console.error(progressLine(s));
    else return;
    lastProgress = now;
  },
});

if (interactive) process.stderr.write("\n");
if (values.json) {
  console.log(JSON.stringify(summary));
} else {
  console.log(`Import ${summary.abortedBecause ? "stopped" : "finished"} in ${summary.seconds.toFixed(1)} s
  rows read:  ${summary.rows}
  created:    ${summary.created}
  skipped:    ${summary.skipped}${summary.skippedFile ? `  (phones in ${summary.skippedFile})` : ""}
  invalid:    ${summary.invalid}${summary.invalidFile ? `  (lines in ${summary.invalidFile})` : ""}
  failed:     ${summary.failed}${summary.failedBatches ? ` in ${summary.failedBatches} batches; run again to retry them` : ""}
  throughput: ${summary.leadsPerSecond} leads/s`);
  if (summary.abortedBecause) console.log(`Stopped because: ${summary.abortedBecause}`);
}
process.exit(summary.failed > 0 || summary.abortedBecause ? 1 : 0);
