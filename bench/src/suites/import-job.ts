import { once } from "node:events";
import { createReadStream, createWriteStream, mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { Readable } from "node:stream";
import { fileURLToPath } from "node:url";
import { spawnService } from "@leadline/embedded-mongo/spawn-service";
import { processStats, shippedNodeArgs, testPhone } from "@leadline/testkit";
import type { BenchContext, BenchDatabase } from "../bench-context.ts";
import { runImportScript, watchPeakRss, writeCsv } from "./csv-import.ts";

const backgroundWorkerDir = fileURLToPath(new URL("../../../services/background-worker/", import.meta.url));

export interface ImportJobResult {
  rows: number;
  /** The import job: upload start to the job's `completed`, one built worker. */
  jobSeconds: number;
  jobLeadsPerSecond: number;
  /** Of which the upload (the 202 answer). */
  uploadSeconds: number;
  jobCreated: number;
  /** The same file through the built `import:csv` script, into a fresh campaign, same run. */
  scriptSeconds: number;
  scriptLeadsPerSecond: number;
  scriptCreated: number;
  scriptPeakRssMb: number;
  /** jobLeadsPerSecond / scriptLeadsPerSecond. */
  importJobVsScript: number;
  /** Import worker's peak RSS over the job (VmHWM). */
  workerPeakRssMb: number;
  /** The upload-only measurement: a file of `uploadBytes`, the API's RSS before and at most during it. */
  uploadBytes: number;
  uploadOnlySeconds: number;
  apiRssBeforeUploadMb: number;
  apiRssPeakDuringUploadMb: number;
  apiRssGrowthMb: number;
  /** The same, during the job's own upload. */
  jobUploadApiRssGrowthMb: number;
}

/** Samples the API's VmRSS every 20 ms while `work` runs: the RSS before and the highest seen. */
async function rssDuring<T>(pid: number, work: () => Promise<T>) {
  const before = processStats(pid).rssMb;
  let peak = before;
  const timer = setInterval(() => {
    try {
      peak = Math.max(peak, processStats(pid).rssMb);
    } catch {
      // gone
    }
  }, 20);
  try {
    const value = await work();
    peak = Math.max(peak, processStats(pid).rssMb);
    return { value, before, peak };
  } finally {
    clearInterval(timer);
  }
}

/** A CSV of about `bytes` bytes, the columns of writeCsv, phones of another area code. */
async function writeCsvOfSize(file: string, bytes: number): Promise<void> {
  const out = createWriteStream(file);
  out.write("phone,id,name,company,priority\n");
  let written = 0;
  for (let i = 0; written < bytes; i++) {
    const line = `${testPhone(i, 646)},CRM_${i},"Lead ${i}",Acme Corp,${i % 101}\n`;
    written += line.length;
    if (!out.write(line)) await once(out, "drain");
  }
  out.end();
  await once(out, "finish");
}

/** Streams `file` as the body of an import upload (no buffering in the bench process either). */
async function upload(url: string, apiKey: string, campaignId: string, file: string) {
  const response = await fetch(`${url}/api/v1/campaigns/${campaignId}/imports`, {
    method: "POST",
    headers: {
      "x-api-key": apiKey,
      "content-type": "text/csv",
      "content-length": String(statSync(file).size),
    },
    body: Readable.toWeb(createReadStream(file, { highWaterMark: 256 * 1024 })) as ReadableStream<Uint8Array>,
    duplex: "half",
  } as RequestInit);
  const body = (await response.json()) as { data: { id: string } | null; error: string | null };
  if (response.status !== 202 || !body.data) throw new Error(`import upload failed: ${response.status} ${body.error}`);
  return body.data.id;
}

let lastUnanswered = "";

/** The job view; undefined when the API answered something else than 200 (busy, rate limited): poll again. */
async function importView(url: string, apiKey: string, importId: string) {
  const response = await fetch(`${url}/api/v1/imports/${importId}`, { headers: { "x-api-key": apiKey } });
  const body = (await response.json()) as {
    data: { state: string; created: number; error: string | null } | null;
    error: string | null;
  };
  if (response.status === 200 && body.data) return body.data;
  lastUnanswered = `${response.status} ${body.error}`;
  return undefined;
}

/** A built background worker (`services/background-worker/dist`, as `pnpm worker:background` runs it) on `db`. */
async function startImporter(ctx: BenchContext, db: BenchDatabase) {
  const service = await spawnService(
    "import worker",
    process.execPath,
    // With the node options of `pnpm worker:background` (its package's start script).
    [
      ...shippedNodeArgs(path.join(backgroundWorkerDir, "package.json"), "start", "dist/main.node.js"),
      "dist/main.node.js",
    ],
    {
      cwd: backgroundWorkerDir,
      env: {
        ...process.env,
        MONGODB_URI: ctx.mongoUri,
        MONGODB_DB: db.dbName,
        IMPORT_POLL_MS: "100",
        LOG_LEVEL: "info",
      },
    },
    (line) => (line.includes('"background worker started"') ? true : undefined),
  );
  return service;
}

/**
 * The comparison: one `rows`-row CSV through an import job (uploaded
 * to the built API, processed by one built import worker) against the same
 * file through the built `import:csv` script, each into a fresh campaign, in
 * the same run. Before that, an upload of `uploadBytes` alone, with the
 * API's RSS sampled while it streams into GridFS.
 */
export async function runImportJob(ctx: BenchContext, rows: number, uploadBytes: number): Promise<ImportJobResult> {
  const dir = mkdtempSync(path.join(tmpdir(), "leadline-bench-import-"));
  try {
    // 1. The upload alone: the job is cancelled before any worker runs.
    const uploadDb = await ctx.database("import_upload");
    const uploadApi = await ctx.api(uploadDb);
    const uploader = await ctx.seed(uploadDb);
    const bigFile = path.join(dir, "upload.csv");
    await writeCsvOfSize(bigFile, uploadBytes);
    // One small upload first, so the measured one finds the code paths warm.
    const warm = path.join(dir, "warm.csv");
    await writeCsv(warm, 10);
    const warmId = await upload(uploadApi.url, uploader.apiKey, uploader.campaignId, warm);
    await cancel(uploadApi.url, uploader.apiKey, warmId);
    const uploadStarted = performance.now();
    const uploadOnly = await rssDuring(uploadApi.child.pid!, () =>
      upload(uploadApi.url, uploader.apiKey, uploader.campaignId, bigFile),
    );
    const uploadOnlySeconds = (performance.now() - uploadStarted) / 1000;
    await cancel(uploadApi.url, uploader.apiKey, uploadOnly.value);
    rmSync(bigFile, { force: true });
    await uploadApi.stop();
    await uploadDb.connection.db.dropDatabase();

    // 2. The job: upload, then one worker until `completed`.
    const file = path.join(dir, "leads.csv");
    await writeCsv(file, rows);
    const jobDb = await ctx.database("import_job");
    const jobApi = await ctx.api(jobDb);
    const jobAccount = await ctx.seed(jobDb);
    const worker = await startImporter(ctx, jobDb);
    let workerPeakRssMb: number;
    let jobSeconds: number;
    let uploadSeconds: number;
    let jobCreated: number;
    let jobUploadGrowth: number;
    try {
      const workerRss = watchPeakRss(worker.child.pid!);
      const started = performance.now();
      const jobUpload = await rssDuring(jobApi.child.pid!, () =>
        upload(jobApi.url, jobAccount.apiKey, jobAccount.campaignId, file),
      );
      uploadSeconds = (performance.now() - started) / 1000;
      jobUploadGrowth = jobUpload.peak - jobUpload.before;
      let unanswered = 0;
      for (;;) {
        const view = await importView(jobApi.url, jobAccount.apiKey, jobUpload.value);
        if (!view) {
          if (++unanswered > 100) throw new Error(`the import view keeps failing: ${lastUnanswered}`);
          await new Promise((resolve) => setTimeout(resolve, 1000));
          continue;
        }
        unanswered = 0;
        if (view.state === "completed") {
          jobCreated = view.created;
          break;
        }
        if (view.state === "failed" || view.state === "cancelled") {
          throw new Error(`the import job ended ${view.state}: ${view.error}`);
        }
        // Polled as a client would, a few times a second: the job's wall time is within that.
        await new Promise((resolve) => setTimeout(resolve, 250));
      }
      jobSeconds = (performance.now() - started) / 1000;
      workerPeakRssMb = workerRss.stop();
    } finally {
      await worker.stop();
      await jobApi.stop();
    }
    await jobDb.connection.db.dropDatabase();

    // 3. The same file through the built script, into a fresh campaign on a fresh API.
    const scriptDb = await ctx.database("import_script");
    const scriptApi = await ctx.api(scriptDb);
    const scriptAccount = await ctx.seed(scriptDb);
    const script = await runImportScript(file, {
      url: scriptApi.url,
      apiKey: scriptAccount.apiKey,
      campaignId: scriptAccount.campaignId,
    });
    await scriptApi.stop();

    const jobLeadsPerSecond = rows / jobSeconds;
    const scriptLeadsPerSecond = rows / script.seconds;
    return {
      rows,
      jobSeconds,
      jobLeadsPerSecond,
      uploadSeconds,
      jobCreated,
      scriptSeconds: script.seconds,
      scriptLeadsPerSecond,
      scriptCreated: script.created,
      scriptPeakRssMb: script.peakRssMb,
      importJobVsScript: jobLeadsPerSecond / scriptLeadsPerSecond,
      workerPeakRssMb,
      uploadBytes,
      uploadOnlySeconds,
      apiRssBeforeUploadMb: uploadOnly.before,
      apiRssPeakDuringUploadMb: uploadOnly.peak,
      apiRssGrowthMb: uploadOnly.peak - uploadOnly.before,
      jobUploadApiRssGrowthMb: jobUploadGrowth,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function cancel(url: string, apiKey: string, importId: string) {
  const response = await fetch(`${url}/api/v1/imports/${importId}/cancel`, {
    method: "POST",
    headers: { "x-api-key": apiKey, "content-type": "application/json" },
    body: "{}",
  });
  await response.body?.cancel();
  if (response.status !== 200) throw new Error(`cancelling import ${importId} answered ${response.status}`);
}
