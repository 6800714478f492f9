import os from "node:os";
import { describe, round } from "./stats.ts";
import type { ApiCpuResult } from "./suites/api-cpu.ts";
import type { CsvImportResult } from "./suites/csv-import.ts";
import type { DispatchResult } from "./suites/dispatch.ts";
import { dispatchBatchMarkdown, type DispatchBatchResult } from "./suites/dispatch-batch.ts";
import type { DuplicatesResult } from "./suites/duplicates.ts";
import type { IngestResult } from "./suites/ingest.ts";
import type { RecoveryResult } from "./suites/recovery.ts";
import type { ScaleOutResult } from "./suites/scale-out.ts";
import type { SuppressionCheckResult } from "./suites/suppression-check.ts";
import type { ThroughputResult } from "./suites/throughput.ts";
import type { IdempotencyResult } from "./suites/idempotency.ts";
import type { ImportJobResult } from "./suites/import-job.ts";
import type { ZoneLookupResult } from "./suites/zone-lookup.ts";

export interface BenchResults {
  quick: boolean;
  database: string;
  databaseVersion: string;
  driverVersion: string;
  seconds: number;
  ingest: IngestResult;
  suppressionCheck: SuppressionCheckResult;
  apiCpu: ApiCpuResult;
  duplicates: DuplicatesResult;
  throughput: ThroughputResult;
  csvImport: CsvImportResult;
  dispatch: DispatchResult;
  dispatchBatch: DispatchBatchResult;
  recovery: RecoveryResult;
  scaleOut: ScaleOutResult;
  zoneLookup: ZoneLookupResult;
  idempotency: IdempotencyResult;
  importJob: ImportJobResult;
}

/**
 * The targets. `max`: at most; `below`: strictly less; `min`: at least;
 * `minFigure`: at least another headline figure of the same run.
 */
export const TARGETS = {
  ingestOverheadRatio: { max: 1.25 },
  apiCpuMicrosPerLead: { max: 12 },
  dispatchRatio: { min: 0.7 },
  dispatchBatchSpeedup: { min: 3 },
  duplicateHeavyVsDatabase: { max: 1.1 },
  csvImportPeakRssMb: { below: 100 },
  apiPeakRssMb: { below: 150 },
  zoneLookupMicrosPerLead: { below: 0.5 },
  importJobLeadsPerSecond: { minFigure: "importJobScriptLeadsPerSecond" },
  importUploadApiRssGrowthMb: { below: 50 },
  importWorkerPeakRssMb: { below: 150 },
} as const;

type Target = { max: number } | { below: number } | { min: number } | { minFigure: string };

const targetMet = (target: Target, value: number, figures: Record<string, number | boolean>) =>
  "max" in target
    ? value <= target.max
    : "below" in target
      ? value < target.below
      : "min" in target
        ? value >= target.min
        : value >= (figures[target.minFigure] as number);

export function headline(results: BenchResults) {
  const figures = {
    ingestOverheadRatio: round(results.ingest.ingestOverheadRatio),
    apiCpuMicrosPerLead: round(results.apiCpu.apiCpuMicrosPerLead, 1),
    suppressionCheckMsPerRequest: round(results.suppressionCheck.noneMatchingExtraMs),
    suppressionCheckMicrosPerLead: round(results.suppressionCheck.noneMatchingExtraMicrosPerLead),
    duplicateHeavyRatio: round(results.duplicates.duplicateHeavyRatio),
    csvImportPeakRssMb: round(results.csvImport.scriptPeakRssMb, 1),
    dispatchRatio: round(results.dispatch.dispatchRatio),
    dispatchBatchSpeedup: round(results.dispatchBatch.dispatchBatchSpeedup),
    throughputLeadsPerSecond: Math.round(results.throughput.leadsPerSecond),
    apiPeakRssMb: round(results.throughput.apiPeakRssMb, 1),
    csvImportLeadsPerSecond: Math.round(results.csvImport.leadsPerSecond),
    recoveryMedianSeconds: round(results.recovery.recoverySeconds.median),
    recoveryWorstSeconds: round(results.recovery.recoverySeconds.max),
    apiScaleOutRatio: round(results.scaleOut.apiScaleOutRatio),
    workerScaleOutRatio: round(results.scaleOut.workerScaleOutRatio),
    ...newPathFigures(results),
  };
  const met = Object.fromEntries(
    Object.entries(TARGETS).map(([name, target]) => [
      name,
      targetMet(target as Target, figures[name as keyof typeof TARGETS], figures),
    ]),
  ) as Record<keyof typeof TARGETS, boolean>;
  return { quick: results.quick, ...figures, targetsMet: met };
}

/** The duplicate comparison against the database, the new paths' costs and the import job, for the headline. */
function newPathFigures(results: BenchResults) {
  const { duplicates, zoneLookup, idempotency, importJob } = results;
  return {
    databaseDuplicateHeavyRatio: round(duplicates.rawDuplicateHeavyRatio),
    duplicateHeavyVsDatabase: round(duplicates.duplicateHeavyRatio / duplicates.rawDuplicateHeavyRatio),
    zoneLookupMicrosPerLead: round(zoneLookup.microsPerLead.median, 3),
    zoneLookupMsPerRequest: round(zoneLookup.microsPerLead.median, 3),
    idempotencyStoreMsPerRequest: round(idempotency.storeExtraMs),
    idempotencyReplayMsPerRequest: round(idempotency.replayMsPerRequest),
    importJobLeadsPerSecond: Math.round(importJob.jobLeadsPerSecond),
    importJobScriptLeadsPerSecond: Math.round(importJob.scriptLeadsPerSecond),
    importJobVsScript: round(importJob.importJobVsScript),
    importJobSeconds: round(importJob.jobSeconds, 1),
    importUploadApiRssGrowthMb: round(importJob.apiRssGrowthMb, 1),
    importWorkerPeakRssMb: round(importJob.workerPeakRssMb, 1),
  };
}

const yesNo = (met: boolean) => (met ? "yes" : "no");

/** The headline rows of the duplicate comparison, memory, zone lookup and import job targets. */
function newPathHeadlineRows(results: BenchResults): string {
  const h = headline(results);
  const m = h.targetsMet;
  return `| duplicateHeavyVsDatabase (duplicateHeavyRatio ${h.duplicateHeavyRatio} / the database's own ${h.databaseDuplicateHeavyRatio}) | ${h.duplicateHeavyVsDatabase} | ≤ 1.1 | ${yesNo(m.duplicateHeavyVsDatabase)} |
| apiPeakRssMb (built API, throughput suite, ${results.throughput.clients} clients) | ${h.apiPeakRssMb} MiB | < 150 | ${yesNo(m.apiPeakRssMb)} |
| zoneLookupMicrosPerLead (recipient time-zone lookup, in process) | ${h.zoneLookupMicrosPerLead} µs | < 0.5 | ${yesNo(m.zoneLookupMicrosPerLead)} |
| importJobLeadsPerSecond (${results.importJob.rows}-row CSV, one import job; import:csv in the same run) | ${h.importJobLeadsPerSecond} (import:csv ${h.importJobScriptLeadsPerSecond}, ratio ${h.importJobVsScript}) | ≥ import:csv | ${yesNo(m.importJobLeadsPerSecond)} |
| importUploadApiRssGrowthMb (API RSS growth during a ${round(results.importJob.uploadBytes / 2 ** 20, 0)} MiB upload) | ${h.importUploadApiRssGrowthMb} MiB | < 50 | ${yesNo(m.importUploadApiRssGrowthMb)} |
| importWorkerPeakRssMb | ${h.importWorkerPeakRssMb} MiB | < 150 | ${yesNo(m.importWorkerPeakRssMb)} |
`;
}

/** The cost of each new path, and the zone-lookup, idempotency and import-job sections. */
function newPathSections(results: BenchResults): string {
  const { suppressionCheck: s, zoneLookup: z, idempotency: i, importJob: j } = results;
  const perLead = (ms: number) => round(ms, 2);
  return `## Cost of each new path, per 1000-lead request, against the same request without it (same run)

| path | without | with | cost per request | cost per lead |
|---|---|---|---|---|
| suppression check (${s.entries} entries, none matching) | ${round(s.noEntriesMs.median)} ms | ${round(s.entriesNoneMatchingMs.median)} ms | ${round(s.noneMatchingExtraMs)} ms | ${round(s.noneMatchingExtraMicrosPerLead)} µs |
| recipient zone lookup (in process, × 1000 leads; the API runs it on every lead) | 0 | ${round(z.microsPerLead.median, 3)} ms | ${round(z.microsPerLead.median, 3)} ms | ${round(z.microsPerLead.median, 3)} µs |
| Idempotency-Key, first request (the key and its answer stored) | ${round(i.withoutKeyMs.median)} ms | ${round(i.withKeyMs.median)} ms | ${round(i.storeExtraMs)} ms | ${perLead(i.storeExtraMicrosPerLead)} µs |
| Idempotency-Key, replay (same key and body: the stored answer, nothing written) | ${round(i.withoutKeyMs.median)} ms | ${round(i.replayMs.median)} ms | ${round(i.replayMs.median - i.withoutKeyMs.median)} ms (the replay replaces the request: ${round(i.replayVsRequest)} × its time) | — |

Differences of medians on a shared, noisy machine: a cost smaller than the spread below is within noise.

## zone-lookup: recipient time-zone lookup, in process (${z.numbers} numbers × ${z.rounds} passes, timed per 1000)

\`createZoneLookup(timezones.bson).zonesOf(e164)\` over a fixed mix of numbers: North American area
codes of one and several zones, Canada and the Caribbean, and two dozen other countries with national
prefixes (mobile and landline). ${round(z.zonedShare * 100, 1)}% of the mix got a zone.

- ${describe(z.microsPerLead, "µs per number")}

## idempotency: Idempotency-Key on the bulk endpoint (${i.requests} rounds of 1000-lead requests)

Round-robin in one API process: new leads without a key, new leads with a new key, the keyed request again.

- without a key: ${describe(i.withoutKeyMs, "ms")}
- with a new key (stored): ${describe(i.withKeyMs, "ms")}; ${round(i.storeExtraMs)} ms more per request
- replayed: ${describe(i.replayMs, "ms")}

## import-job: a ${j.rows}-row CSV through one import job, against \`import:csv\` (same file, same run)

Built API (\`node dist/main.node.js\`) and one built import worker (\`services/background-worker/dist\`, as
\`pnpm worker:imports\` runs it); each path into a fresh campaign on a fresh database.

| | wall time | leads/s | created | peak RSS |
|---|---|---|---|---|
| import job (upload + worker until \`completed\`) | ${round(j.jobSeconds, 1)} s (upload ${round(j.uploadSeconds, 1)} s) | ${Math.round(j.jobLeadsPerSecond)} | ${j.jobCreated} | worker ${round(j.workerPeakRssMb, 1)} MiB |
| built \`import:csv\` (batches of 1000) | ${round(j.scriptSeconds, 1)} s | ${Math.round(j.scriptLeadsPerSecond)} | ${j.scriptCreated} | script ${round(j.scriptPeakRssMb, 1)} MiB |

- import job / import:csv: ${round(j.importJobVsScript)}
- API RSS while a ${round(j.uploadBytes / 2 ** 20, 0)} MiB file uploads (${round(j.uploadOnlySeconds, 1)} s, sampled every 20 ms from /proc): ${round(j.apiRssBeforeUploadMb, 1)} MiB before, ${round(j.apiRssPeakDuringUploadMb, 1)} MiB at most, growth ${round(j.apiRssGrowthMb, 1)} MiB; during the job's own upload: growth ${round(j.jobUploadApiRssGrowthMb, 1)} MiB
`;
}

/** bench/RESULTS.md: the machine, the versions, and every figure with its spread. */
export function renderMarkdown(results: BenchResults): string {
  const h = headline(results);
  const { ingest, suppressionCheck, apiCpu, duplicates, throughput, csvImport, dispatch, recovery, scaleOut } = results;
  const b = apiCpu.breakdownMicrosPerLead;
  const cpu = os.cpus();
  return `# Benchmark results

${results.quick ? "**Quick smoke run: sizes are too small for the figures to mean much.**\n\n" : ""}Run on ${new Date().toISOString()} in ${round(results.seconds, 0)} s.

| | |
|---|---|
| machine | ${cpu.length} × ${cpu[0]?.model ?? "unknown CPU"}, ${round(os.totalmem() / 2 ** 30, 1)} GiB, ${os.platform()} ${os.release()} |
| Node | ${process.version} |
| database | ${results.database} (reports MongoDB ${results.databaseVersion}) |
| mongodb driver | ${results.driverVersion} |

Figures are medians with the 5th and 95th percentiles; each ratio compares two measurements
taken in the same run, interleaved where they can be, so the machine's noise hits both.

## Headline

| figure | value | target | met |
|---|---|---|---|
| ingestOverheadRatio (median REST request / median raw insertMany) | ${h.ingestOverheadRatio} | ≤ 1.25 | ${h.targetsMet.ingestOverheadRatio ? "yes" : "no"} |
| apiCpuMicrosPerLead (API process CPU per lead) | ${h.apiCpuMicrosPerLead} µs | ≤ 12 | ${h.targetsMet.apiCpuMicrosPerLead ? "yes" : "no"} |
| duplicateHeavyRatio (90% stored / all new) | ${h.duplicateHeavyRatio} | see duplicateHeavyVsDatabase | — |
| csvImportPeakRssMb (built import script peak RSS, ${results.csvImport.rows} rows) | ${h.csvImportPeakRssMb} MiB | < 100 | ${h.targetsMet.csvImportPeakRssMb ? "yes" : "no"} |
| suppressionCheckMicrosPerLead (${results.suppressionCheck.entries} entries none matching, against none) | ${h.suppressionCheckMicrosPerLead} µs (${h.suppressionCheckMsPerRequest} ms per request) | one extra query | — |
| dispatchRatio (worker / bare claim loop) | ${h.dispatchRatio} | ≥ 0.7 | ${h.targetsMet.dispatchRatio ? "yes" : "no"} |
| dispatchBatchSpeedup (batch claims / single claims, instant dialer, same run) | ${h.dispatchBatchSpeedup} | ≥ 3 | ${h.targetsMet.dispatchBatchSpeedup ? "yes" : "no"} |
${newPathHeadlineRows(results)}
## ingest: 1000-lead requests (${ingest.requests} of each, after 3 warm-ups)

- REST: ${describe(ingest.restMs, "ms")}
- tRPC: ${describe(ingest.trpcMs, "ms")}
- raw \`insertMany({ordered:false})\` of the same documents: ${describe(ingest.rawInsertMs, "ms")}

## suppression-check: the ingest suppression check, ${suppressionCheck.requests} requests of 1000 per account

One query per request (\`accountId\`, \`phoneNumber $in\`, served by the \`suppression_unique\` index on
MongoDB; the Java wire server ignores secondary indexes, so there it scans the account's entries).
The same requests, round-robin over three accounts:

- no suppression entries: ${describe(suppressionCheck.noEntriesMs, "ms")}
- ${suppressionCheck.entries} entries, none matching: ${describe(suppressionCheck.entriesNoneMatchingMs, "ms")}; ${round(suppressionCheck.noneMatchingExtraMs)} ms per request, ${round(suppressionCheck.noneMatchingExtraMicrosPerLead)} µs per lead more than without entries
- ${suppressionCheck.entries} entries, ${suppressionCheck.matchingPerRequest} of each request's numbers among them (skipped as suppressed): ${describe(suppressionCheck.entriesSomeMatchingMs, "ms")}; ${round(suppressionCheck.someMatchingExtraMs)} ms per request, ${round(suppressionCheck.someMatchingExtraMicrosPerLead)} µs per lead more
- the check's query alone (from the bench process, ${suppressionCheck.entries} entries, none matching): ${describe(suppressionCheck.queryAloneMs, "ms")}

## api-cpu: API process CPU per lead (${apiCpu.requests} REST requests of 1000)

- total, all features on (Idempotency-Key, ${apiCpu.suppressionEntries} suppression entries, zone lookup): ${round(apiCpu.apiCpuMicrosPerLead, 1)} µs per lead (from /proc, each thread's run time, summed over the run)
- total, plain requests alternating with those (no key, no entries; round one's figure): ${round(apiCpu.plainApiCpuMicrosPerLead, 1)} µs per lead; the breakdown below is theirs
- JSON parse: ${round(b.jsonParse)} µs · validation without phones: ${round(b.validationWithoutPhone)} µs · phone normalisation: ${round(b.phoneNormalisation)} µs · the driver's insertMany (CPU, of which BSON encoding ${round(b.bsonEncoding)} µs): ${round(b.driverInsert)} µs · everything else (HTTP, adapters, auth, limiter, logs, GC): ${round(b.rest)} µs
- database round trip (wall time of the raw insert, not API CPU): ${round(apiCpu.databaseRoundTripMicrosPerLead)} µs per lead

## duplicates: 900 of 1000 already stored (${duplicates.requests} requests each)

- all new: ${describe(duplicates.allNewMs, "ms")}
- 90% stored: ${describe(duplicates.ninetyPercentStoredMs, "ms")}
- the database alone (raw \`insertMany\` of the same mix): all new ${describe(duplicates.rawAllNewMs, "ms")}, 90% stored ${describe(duplicates.rawNinetyPercentStoredMs, "ms")}, ratio ${round(duplicates.rawDuplicateHeavyRatio)}

## throughput: ${throughput.clients} clients on ${throughput.clients} accounts, ${throughput.leads} leads

- ${Math.round(throughput.leadsPerSecond)} leads/s
- request latency: ${describe(throughput.requestMs, "ms")}, p99 ${round(throughput.requestMs.p99)} ms
- API peak RSS: ${round(throughput.apiPeakRssMb, 1)} MiB built and run by node (as pnpm start), ${round(throughput.tsxApiPeakRssMb, 1)} MiB run from the sources through tsx (as pnpm dev)

## csv-import: ${csvImport.rows} rows

- ${Math.round(csvImport.leadsPerSecond)} leads/s (${round(csvImport.seconds, 1)} s), ${csvImport.created} created
- script peak RSS: ${round(csvImport.scriptPeakRssMb, 1)} MiB

## dispatch: ${dispatch.leads} leads, concurrency ${dispatch.concurrency}

- worker with an instant dialer: ${Math.round(dispatch.workerLeadsPerSecond)} leads/s
- bare claim loop (\`findOneAndUpdate\` only): ${Math.round(dispatch.bareClaimsPerSecond)} claims/s

${dispatchBatchMarkdown(results.dispatchBatch)}
## recovery: ${recovery.blips} database blips of ${round(recovery.blipMs / 1000, 1)} s under load

- seconds from the database's return to the first /healthz 200: median ${round(recovery.recoverySeconds.median)}, worst ${round(recovery.recoverySeconds.max)}
${renderScaleOut(scaleOut)}
${newPathSections(results)}`;
}

function renderScaleOut(s: ScaleOutResult): string {
  return `
## scale-out: two API processes and two workers on one database

- one account's budget, ${s.budgetRequests} bulk calls at once split over both APIs: ${s.budgetAccepted} accepted (the budget is ${s.budgetLimit}), the rest 429
- the same ${s.overlapLeads} leads through both APIs at once: ${s.overlapCreated} created, ${s.overlapSkipped} skipped, ${s.overlapStored} stored
- ${s.throughput.clients} clients, ${s.throughput.leads} leads: one API ${Math.round(s.throughput.oneApiLeadsPerSecond)} leads/s, two APIs ${Math.round(s.throughput.twoApisLeadsPerSecond)} leads/s (× ${round(s.apiScaleOutRatio)})
- ${s.dispatch.leads} due leads over 10 campaigns, built workers, instant dialer: one worker ${Math.round(s.dispatch.oneWorkerPerSecond)} hand-offs/s, two workers ${Math.round(s.dispatch.twoWorkersPerSecond)} hand-offs/s (× ${round(s.workerScaleOutRatio)}); handed off twice: ${s.dispatch.handedOffTwice}

Everything, the database included, shares one machine's cores here, so these ratios show that
the rules hold across processes more than how far a deployment scales; docs/SCALING.md sizes one.
`;
}
