import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { createRequire } from "node:module";
import { BenchContext } from "./bench-context.ts";
import { headline, renderMarkdown, type BenchResults } from "./report.ts";
import { runApiCpu } from "./suites/api-cpu.ts";
import { runCsvImport } from "./suites/csv-import.ts";
import { runDispatch } from "./suites/dispatch.ts";
import { runDispatchBatch } from "./suites/dispatch-batch.ts";
import { runDuplicates } from "./suites/duplicates.ts";
import { runIngest } from "./suites/ingest.ts";
import { runRecovery } from "./suites/recovery.ts";
import { runScaleOut } from "./suites/scale-out.ts";
import { runSuppressionCheck } from "./suites/suppression-check.ts";
import { runThroughput } from "./suites/throughput.ts";
import { runIdempotency } from "./suites/idempotency.ts";
import { runImportJob } from "./suites/import-job.ts";
import { runZoneLookup } from "./suites/zone-lookup.ts";

const HELP = `Usage: pnpm bench [--quick] [--json]

Runs the benchmark suites against MONGODB_URI, else a MongoDB wire server it
starts. Writes bench/RESULTS.md (a --quick run writes bench/out/RESULTS.quick.md)
and prints the headline figures as one JSON object on its last line.

  --quick   a small smoke run (what CI executes), seconds instead of minutes
  --json    print only the headline JSON
  --only S  run only the suites named, comma-separated (ingest, suppression-check, api-cpu,
            duplicates, throughput, csv-import, dispatch, dispatch-batch, recovery, scale-out,
            zone-lookup, idempotency, import-job); prints their figures, writes no report
  -h        show this help`;

const { values } = parseArgs({
  options: {
    quick: { type: "boolean", default: false },
    json: { type: "boolean", default: false },
    only: { type: "string" },
    help: { type: "boolean", short: "h", default: false },
  },
});
if (values.help) {
  console.log(HELP);
  process.exit(0);
}

const sizes = values.quick
  ? {
      ingest: 3,
      suppressionCheckRequests: 3,
      suppressionEntries: 1_000,
      apiCpu: 3,
      duplicates: 3,
      throughputClients: 4,
      throughputLeads: 8_000,
      csvRows: 5_000,
      dispatchLeads: 300,
      dispatchBatchLeads: 2_000,
      dispatchBatchRounds: 1,
      dispatchBatchWindowSeconds: 10,
      recoveryBlips: 3,
      scaleOut: { budgetRequests: 30, overlapLeads: 2_000, throughputLeads: 8_000, dispatchLeads: 600 },
      zoneLookupNumbers: 5_000,
      zoneLookupRounds: 10,
      idempotencyRequests: 3,
      importJobRows: 20_000,
      importUploadBytes: 5 * 2 ** 20,
    }
  : {
      ingest: 30,
      suppressionCheckRequests: 30,
      suppressionEntries: 10_000,
      apiCpu: 30,
      duplicates: 30,
      throughputClients: 8,
      throughputLeads: 200_000,
      csvRows: 1_000_000,
      dispatchLeads: 3_000,
      dispatchBatchLeads: 20_000,
      dispatchBatchRounds: 3,
      dispatchBatchWindowSeconds: 30,
      recoveryBlips: 20,
      scaleOut: { budgetRequests: 30, overlapLeads: 20_000, throughputLeads: 100_000, dispatchLeads: 2_000 },
      zoneLookupNumbers: 20_000,
      zoneLookupRounds: 10,
      idempotencyRequests: 30,
      importJobRows: 1_000_000,
      importUploadBytes: 100 * 2 ** 20,
    };

const log = (line: string) => {
  if (!values.json) console.error(line);
};

const started = performance.now();
const ctx = await BenchContext.start(log);
try {
  const probe = await ctx.database("probe");
  const build = (await probe.connection.db.admin().command({ buildInfo: 1 })) as { version?: string };
  const driverVersion = (
    JSON.parse(readFileSync(createRequire(import.meta.url).resolve("mongodb/package.json"), "utf8")) as {
      version: string;
    }
  ).version;

  log(`database: ${ctx.databaseKind} (MongoDB ${build.version})`);
  const only = values.only?.split(",").map((name) => name.trim());
  const suites = {
    ingest: () => runIngest(ctx, sizes.ingest),
    "suppression-check": () => runSuppressionCheck(ctx, sizes.suppressionCheckRequests, sizes.suppressionEntries),
    "api-cpu": () => runApiCpu(ctx, sizes.apiCpu),
    duplicates: () => runDuplicates(ctx, sizes.duplicates),
    throughput: () => runThroughput(ctx, sizes.throughputClients, sizes.throughputLeads),
    "csv-import": () => runCsvImport(ctx, sizes.csvRows),
    dispatch: () => runDispatch(ctx, sizes.dispatchLeads),
    "dispatch-batch": () =>
      runDispatchBatch(ctx, sizes.dispatchBatchLeads, sizes.dispatchBatchRounds, {
        windowSeconds: sizes.dispatchBatchWindowSeconds,
      }),
    recovery: () => runRecovery(ctx, sizes.recoveryBlips),
    "scale-out": () => runScaleOut(ctx, sizes.scaleOut),
    "zone-lookup": () => runZoneLookup(sizes.zoneLookupNumbers, sizes.zoneLookupRounds),
    idempotency: () => runIdempotency(ctx, sizes.idempotencyRequests),
    "import-job": () => runImportJob(ctx, sizes.importJobRows, sizes.importUploadBytes),
  };
  if (only) {
    for (const name of only) {
      const suite = suites[name as keyof typeof suites];
      if (!suite) throw new Error(`no suite named ${name}`);
      log(`${name} ...`);
      console.log(JSON.stringify({ [name]: await suite() }, null, 2));
      await ctx.endSuite();
    }
  } else {
    const measured: Partial<{ [TName in keyof typeof suites]: Awaited<ReturnType<(typeof suites)[TName]>> }> = {};
    for (const [name, suite] of Object.entries(suites)) {
      log(`${name} ...`);
      Object.assign(measured, { [name]: await suite() });
      await ctx.endSuite();
    }
    const all = measured as Required<typeof measured>;

    const results: BenchResults = {
      quick: values.quick,
      database: ctx.databaseKind,
      databaseVersion: build.version ?? "unknown",
      driverVersion,
      seconds: (performance.now() - started) / 1000,
      ingest: all.ingest,
      suppressionCheck: all["suppression-check"],
      apiCpu: all["api-cpu"],
      duplicates: all.duplicates,
      throughput: all.throughput,
      csvImport: all["csv-import"],
      dispatch: all.dispatch,
      dispatchBatch: all["dispatch-batch"],
      recovery: all.recovery,
      scaleOut: all["scale-out"],
      zoneLookup: all["zone-lookup"],
      idempotency: all.idempotency,
      importJob: all["import-job"],
    };
    const outFile = values.quick
      ? new URL("../out/RESULTS.quick.md", import.meta.url)
      : new URL("../RESULTS.md", import.meta.url);
    mkdirSync(new URL(".", outFile), { recursive: true });
    writeFileSync(outFile, renderMarkdown(results));
    log(`wrote ${outFile.pathname}`);
    console.log(JSON.stringify(headline(results)));
  }
} finally {
  await ctx.stop();
}
