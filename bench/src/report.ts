import os from "node:os";
import { describe, round } from "./stats.ts";
import type { ApiCpuResult } from "./suites/api-cpu.ts";
import type { CsvImportResult } from "./suites/csv-import.ts";
import type { DispatchResult } from "./suites/dispatch.ts";
import { dispatchBatchMarkdown, type DispatchBatchResult } from "./suites/dispatch-batch.ts";
import type { DuplicatesResult } from "./suites/duplicates.ts";
import type { IngestResult } from "./suites/ingest.ts";
import type { RecoveryResult } from "./suites/recovery.ts";
import type { SuppressionCheckResult } from "./suites/suppression-check.ts";
import type { ThroughputResult } from "./suites/throughput.ts";

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
}

export const TARGETS = {
  ingestOverheadRatio: { max: 1.5 },
  apiCpuMicrosPerLead: { max: 20 },
  duplicateHeavyRatio: { max: 1.5 },
  csvImportPeakRssMb: { max: 200 },
  dispatchRatio: { min: 0.7 },
} as const;

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
  };
  const met = Object.fromEntries(
    Object.entries(TARGETS).map(([name, target]) => {
      const value = figures[name as keyof typeof TARGETS];
      return [name, "max" in target ? value <= target.max : value >= target.min];
    }),
  );
  return { quick: results.quick, ...figures, targetsMet: met };
}

/** bench/RESULTS.md: the machine, the versions, and every figure with its spread. */
export function renderMarkdown(results: BenchResults): string {
  const h = headline(results);
  const { ingest, suppressionCheck, apiCpu, duplicates, throughput, csvImport, dispatch, recovery } = results;
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
| ingestOverheadRatio (median REST request / median raw insertMany) | ${h.ingestOverheadRatio} | ≤ 1.5 | ${h.targetsMet.ingestOverheadRatio ? "yes" : "no"} |
| apiCpuMicrosPerLead (API process CPU per lead) | ${h.apiCpuMicrosPerLead} µs | ≤ 20 (stretch 10) | ${h.targetsMet.apiCpuMicrosPerLead ? "yes" : "no"} |
| duplicateHeavyRatio (90% stored / all new) | ${h.duplicateHeavyRatio} | ≤ 1.5 | ${h.targetsMet.duplicateHeavyRatio ? "yes" : "no"} |
| csvImportPeakRssMb (import script peak RSS) | ${h.csvImportPeakRssMb} MiB | < 200 | ${h.targetsMet.csvImportPeakRssMb ? "yes" : "no"} |
| suppressionCheckMicrosPerLead (${results.suppressionCheck.entries} entries none matching, against none) | ${h.suppressionCheckMicrosPerLead} µs (${h.suppressionCheckMsPerRequest} ms per request) | one extra query | — |
| dispatchRatio (worker / bare claim loop) | ${h.dispatchRatio} | ≥ 0.7 | ${h.targetsMet.dispatchRatio ? "yes" : "no"} |

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

- total: ${round(apiCpu.apiCpuMicrosPerLead, 1)} µs per lead (from /proc, 10 ms resolution over the run)
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
`;
}
