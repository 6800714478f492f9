import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ObjectId, seedAccount } from "@leadline/db";
import { FaultProxy, waitFor } from "@leadline/testkit";
import { useApiServer } from "../support/api-server.ts";
import { useTestDatabase, type TestDatabase } from "../support/database.ts";
import { flawedCsv, uploadImport, waitForImportEnd } from "../support/imports.ts";
import { rest } from "../support/rest.ts";
import { startBackgroundWorkerProcess, type WorkerProcess } from "../support/worker-process.ts";

const COUNTERS = ["state", "rowsProcessed", "created", "skipped", "suppressed", "invalid", "bytesProcessed"] as const;
const pick = (view: Record<string, unknown>) => Object.fromEntries(COUNTERS.map((key) => [key, view[key]]));
const checkpoints = (worker: WorkerProcess) =>
  worker.logs.filter((line) => line.includes('"import checkpoint"')).length;

async function leadsOf(db: TestDatabase, campaignId: string) {
  const leads = await db.repos.collections.leads.find({ campaignId: new ObjectId(campaignId) }).toArray();
  return leads.map((lead) => `${lead.phoneNumber} ${lead.externalId} ${lead.importLine}`).sort();
}

async function errorReport(url: string, apiKey: string, importId: string) {
  return (await fetch(`${url}/api/v1/imports/${importId}/errors`, { headers: { "x-api-key": apiKey } })).text();
}

describe("an import worker killed mid-job", () => {
  const db = useTestDatabase("import_killed");
  const server = useApiServer(db);
  let proxy: FaultProxy;
  const workers: WorkerProcess[] = [];
  const startWorker = async () => {
    const worker = await startBackgroundWorkerProcess("node", {
      MONGODB_URI: proxy.rewrite(db.uri),
      MONGODB_DB: db.dbName,
      IMPORT_POLL_MS: "50",
      IMPORT_LEASE_MS: "1000",
      IMPORT_BATCH_SIZE: "250",
    });
    workers.push(worker);
    return worker;
  };

  beforeAll(async () => {
    proxy = FaultProxy.forMongoUri(db.uri);
    await proxy.start();
  });
  afterAll(async () => {
    proxy.release();
    await Promise.all(workers.map((worker) => worker.stop("SIGKILL")));
    await proxy.stop();
  });

  it(
    "SIGKILLed three times, after a batch's insert was applied and before its checkpoint, ends exactly as an uninterrupted run",
    { timeout: 180_000 },
    async () => {
      const { apiKey, campaignId } = await seedAccount(db.repos);
      const twin = (await rest(server.url, apiKey, "POST", "/campaigns", { name: "uninterrupted" })).body.data.id;
      const { csv } = flawedCsv(3_000);

      const reference = await uploadImport(server.url, apiKey, twin, csv);
      let worker = await startWorker();
      const uninterrupted = await waitForImportEnd(server.url, apiKey, reference.body.data.id);
      await worker.stop();

      const job = await uploadImport(server.url, apiKey, campaignId, csv);
      worker = await startWorker();
      for (let kill = 1; kill <= 3; kill++) {
        // Past its first checkpoint, the next request naming importLine is a batch's insert of leads.
        const seen = checkpoints(worker);
        await waitFor(`a checkpoint before kill ${kill}`, () => checkpoints(worker) > seen);
        const held = proxy.holdAnswerTo("importLine");
        await held.answered;
        await worker.stop("SIGKILL");
        proxy.release();
        const stored = await db.repos.collections.importJobs.findOne({ _id: new ObjectId(job.body.data.id) });
        expect(stored?.state).toBe("running");
        worker = await startWorker();
      }
      const resumed = await waitForImportEnd(server.url, apiKey, job.body.data.id);

      expect(pick(resumed)).toEqual(pick(uninterrupted));
      expect(resumed.created).toBe(await db.repos.leads.countByCampaign(new ObjectId(campaignId)));
      expect(await leadsOf(db, campaignId)).toEqual(await leadsOf(db, twin));
      expect(await errorReport(server.url, apiKey, job.body.data.id)).toBe(
        await errorReport(server.url, apiKey, reference.body.data.id),
      );
      // Claimed 4 times, each take-over after progress: none counts towards IMPORT_MAX_CLAIMS.
      const claims = (await db.repos.collections.importJobs.findOne({ _id: new ObjectId(job.body.data.id) }))?.claims;
      expect(claims).toBe(1);
    },
  );

  it("waits out a database outage mid-job and loses nothing", { timeout: 120_000 }, async () => {
    const { apiKey, campaignId } = await seedAccount(db.repos);
    const twin = (await rest(server.url, apiKey, "POST", "/campaigns", { name: "uninterrupted" })).body.data.id;
    const { csv } = flawedCsv(2_000, 50_000);
    const reference = await uploadImport(server.url, apiKey, twin, csv);
    const worker = workers.at(-1)!;
    const uninterrupted = await waitForImportEnd(server.url, apiKey, reference.body.data.id);

    const job = await uploadImport(server.url, apiKey, campaignId, csv);
    const seen = checkpoints(worker);
    await waitFor("the job's first checkpoint", () => checkpoints(worker) > seen);
    await proxy.cut();
    const cutAt = worker.logs.length;
    await waitFor("the worker to notice the outage", () =>
      worker.logs.slice(cutAt).some((line) => /database unavailable/.test(line)),
    );
    await proxy.restore();
    const ended = await waitForImportEnd(server.url, apiKey, job.body.data.id);
    expect(pick(ended)).toEqual(pick(uninterrupted));
    expect(await leadsOf(db, campaignId)).toEqual(await leadsOf(db, twin));
  });
});
