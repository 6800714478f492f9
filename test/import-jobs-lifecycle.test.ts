import { afterEach, describe, expect, it } from "vitest";
import { ObjectId, seedAccount } from "@leadline/db";
import { testPhones, waitFor } from "@leadline/testkit";
import { useApiServer } from "./support/api-server.ts";
import { useTestDatabase, type TestDatabase } from "./support/database.ts";
import { expectedCounts, flawedCsv, getImport, uploadImport, waitForImportEnd } from "./support/imports.ts";
import { rest } from "./support/rest.ts";
import { startBackgroundWorkerProcess, type WorkerProcess, type WorkerRuntime } from "./support/worker-process.ts";

const csvOf = (phones: string[]) => `phone\n${phones.join("\n")}\n`;
const leadsOf = (db: TestDatabase, campaignId: string) =>
  db.repos.collections.leads.find({ campaignId: new ObjectId(campaignId) }).toArray();

describe.each<WorkerRuntime>(["node", "deno"])("import job lifecycle, worker under %s", (runtime) => {
  const db = useTestDatabase(`import_lifecycle_${runtime}`);
  const server = useApiServer(db, { IMPORT_MAX_ACTIVE_JOBS: "10" });
  let workers: WorkerProcess[] = [];
  const startWorker = async (env: Record<string, string> = {}) => {
    const worker = await startBackgroundWorkerProcess(runtime, {
      MONGODB_URI: db.uri,
      MONGODB_DB: db.dbName,
      IMPORT_POLL_MS: "50",
      ...env,
    });
    workers.push(worker);
    return worker;
  };
  afterEach(async () => {
    await Promise.all(workers.map((worker) => worker.stop()));
    workers = [];
  });

  it(
    "cancels a running job: it ends cancelled, the leads stored so far stay and match its counters, the worker moves on",
    { timeout: 120_000 },
    async () => {
      await startWorker({ IMPORT_BATCH_SIZE: "20" });
      const { apiKey, campaignId } = await seedAccount(db.repos);
      const upload = await uploadImport(server.url, apiKey, campaignId, csvOf(testPhones(20_000, 1_000_000)));
      const id = upload.body.data.id;
      await waitFor(
        "the job to run and store some leads",
        async () => {
          const view = (await getImport(server.url, apiKey, id)).body.data;
          return view.state === "running" && view.created > 0;
        },
        60_000,
      );
      const cancelled = await rest(server.url, apiKey, "POST", `/imports/${id}/cancel`, {});
      expect(cancelled.status).toBe(200);
      expect(cancelled.body.data.state).toBe("cancelled");
      // The worker records the batch it was storing, then lets go of the job.
      await waitFor(
        "the worker to let go of the job",
        async () => {
          const doc = await db.repos.collections.importJobs.findOne({ _id: new ObjectId(id) });
          return doc !== null && doc.leaseOwner === undefined;
        },
        30_000,
      );
      const view = (await getImport(server.url, apiKey, id)).body.data;
      expect(view.state).toBe("cancelled");
      expect(view.error).toMatch(/leads stored before the cancel stay/);
      expect(view.rowsProcessed).toBeLessThan(20_000);
      const stored = await leadsOf(db, campaignId);
      expect(stored.length).toBeGreaterThan(0);
      expect(view.created).toBe(stored.length);
      expect(view.rowsProcessed).toBe(view.created + view.skipped + view.suppressed + view.invalid);
      // Nothing more is stored after the worker let go.
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect((await leadsOf(db, campaignId)).length).toBe(stored.length);

      const next = await uploadImport(server.url, apiKey, campaignId, csvOf(testPhones(5, 2_000_000)));
      expect(await waitForImportEnd(server.url, apiKey, next.body.data.id)).toMatchObject({
        state: "completed",
        created: 5,
      });
    },
  );

  it(
    "two workers on five jobs: each job completed once, its counters right, every row stored exactly once",
    { timeout: 180_000 },
    async () => {
      await startWorker({ IMPORT_BATCH_SIZE: "50", WORKER_ID: `a-${runtime}` });
      await startWorker({ IMPORT_BATCH_SIZE: "50", WORKER_ID: `b-${runtime}` });
      const { apiKey, campaignId } = await seedAccount(db.repos);
      const campaigns = [campaignId];
      for (let i = 1; i < 5; i++) {
        campaigns.push((await rest(server.url, apiKey, "POST", "/campaigns", { name: `five-${i}` })).body.data.id);
      }
      const rows = 1500;
      const jobs = await Promise.all(
        campaigns.map(async (campaign, i) => {
          const { csv } = flawedCsv(rows, 3_000_000 + i * 10_000);
          const answer = await uploadImport(server.url, apiKey, campaign, csv);
          expect(answer.status).toBe(202);
          return answer.body.data.id as string;
        }),
      );
      const { records } = flawedCsv(rows);
      const { invalid, duplicates } = expectedCounts(records);
      for (const [i, id] of jobs.entries()) {
        const view = await waitForImportEnd(server.url, apiKey, id, 150_000);
        expect(view).toMatchObject({
          state: "completed",
          rowsProcessed: rows,
          invalid,
          skipped: duplicates,
          error: null,
        });
        const stored = await leadsOf(db, campaigns[i]!);
        expect(view.created).toBe(stored.length);
        expect(view.created).toBe(rows - invalid - duplicates);
        expect(new Set(stored.map((lead) => lead.phoneNumber)).size).toBe(stored.length);
        const doc = await db.repos.collections.importJobs.findOne({ _id: new ObjectId(id) });
        expect(doc?.claims).toBe(1);
      }
      const claimedBy = workers.map((worker) => worker.logs.filter((line) => line.includes('"import claimed"')).length);
      expect(claimedBy[0]! + claimedBy[1]!).toBe(5);
      // Which worker takes which job is a race; the split is reported, not asserted.
      console.info(`two ${runtime} workers on five jobs: jobs claimed ${claimedBy.join(" and ")}`);
    },
  );

  it(
    "deletes an ended job's file after IMPORT_RETENTION_HOURS, keeping the job and its error report",
    { timeout: 60_000 },
    async () => {
      // 0.0005 h: 1.8 s.
      await startWorker({ IMPORT_RETENTION_HOURS: "0.0005" });
      const { apiKey, campaignId } = await seedAccount(db.repos);
      const { csv } = flawedCsv(60, 4_000_000);
      const upload = await uploadImport(server.url, apiKey, campaignId, csv);
      const id = upload.body.data.id;
      const view = await waitForImportEnd(server.url, apiKey, id);
      expect(view.state).toBe("completed");
      const { fileId, finishedAt } = (await db.repos.collections.importJobs.findOne({ _id: new ObjectId(id) }))!;
      expect(fileId).toBeDefined();
      const chunks = db.repos.collections.leads.db.collection("imports.chunks");
      const files = db.repos.collections.leads.db.collection("imports.files");
      expect(await chunks.countDocuments({ files_id: fileId })).toBeGreaterThan(0);
      await waitFor(
        "the file to be deleted",
        async () => (await chunks.countDocuments({ files_id: fileId })) === 0,
        30_000,
      );
      expect(Date.now() - finishedAt!.getTime()).toBeGreaterThanOrEqual(1800 - 100);
      expect(await files.countDocuments({ _id: fileId })).toBe(0);
      await waitFor("the job to forget its file", async () => {
        const doc = await db.repos.collections.importJobs.findOne({ _id: new ObjectId(id) });
        return doc?.fileId === undefined;
      });
      const after = (await getImport(server.url, apiKey, id)).body.data;
      expect(after).toEqual(view);
      const report = await fetch(`${server.url}/api/v1/imports/${id}/errors`, { headers: { "x-api-key": apiKey } });
      expect(report.status).toBe(200);
      expect((await report.text()).trimEnd().split("\r\n")).toHaveLength(view.invalid + 1);
    },
  );
});
