import { afterAll, describe, expect, it } from "vitest";
import { ObjectId, seedAccount } from "@leadline/db";
import { testPhones, waitFor } from "@leadline/testkit";
import { useApiServer } from "../support/api-server.ts";
import { useTestDatabase } from "../support/database.ts";
import { uploadImport, waitForImportEnd } from "../support/imports.ts";
import { startBackgroundWorkerProcess, type WorkerProcess } from "../support/worker-process.ts";

describe("issue 21: an import whose worker dies every time", () => {
  const db = useTestDatabase("issue21_killed_five");
  const server = useApiServer(db);
  const workers: WorkerProcess[] = [];
  const startWorker = async () => {
    const worker = await startBackgroundWorkerProcess("node", {
      MONGODB_URI: db.uri,
      MONGODB_DB: db.dbName,
      IMPORT_POLL_MS: "50",
      IMPORT_LEASE_MS: "300",
      IMPORT_BATCH_SIZE: "10",
    });
    workers.push(worker);
    return worker;
  };
  afterAll(async () => {
    await Promise.all(workers.map((worker) => worker.stop("SIGKILL")));
  });

  it(
    "is failed, unread, once claimed IMPORT_MAX_CLAIMS (5) times, with a message saying so; its file goes",
    { timeout: 180_000 },
    async () => {
      const { apiKey, campaignId } = await seedAccount(db.repos);
      const upload = await uploadImport(server.url, apiKey, campaignId, `phone\n${testPhones(20_000).join("\n")}\n`);
      expect(upload.status).toBe(202);
      const id = upload.body.data.id as string;
      const stored = () => db.repos.collections.importJobs.findOne({ _id: new ObjectId(id) });

      // Each worker is killed as soon as it has claimed the job, as a file that kills its reader would.
      for (let kill = 1; kill <= 5; kill++) {
        const worker = await startWorker();
        await waitFor(`claim ${kill}`, () => worker.logs.some((line) => line.includes('"import claimed"')));
        await worker.stop("SIGKILL");
        expect(await stored()).toMatchObject({ state: "running", claims: kill });
      }
      const last = await startWorker();
      const ended = await waitForImportEnd(server.url, apiKey, id);

      expect(ended.state).toBe("failed");
      expect(ended.error).toMatch(
        /^The import was started 5 times \(IMPORT_MAX_CLAIMS\) and its worker stopped each time/,
      );
      const job = await stored();
      expect(job?.claims).toBe(6);
      expect(job?.fileId).toBeUndefined();
      expect(await db.repos.importFiles.count()).toBe(0);
      expect(last.logs.some((line) => line.includes('"import failed: claimed too often without finishing"'))).toBe(
        true,
      );
      const report = await fetch(`${server.url}/api/v1/imports/${id}/errors`, { headers: { "x-api-key": apiKey } });
      expect(report.status).toBe(200);
    },
  );

  it(
    "completes when its worker is killed 6 times but gets further in the file each time (deploys, outages)",
    { timeout: 180_000 },
    async () => {
      // Only the workers started here may take this job, so each kill below is the one that holds it.
      await Promise.all(workers.map((worker) => worker.stop("SIGKILL")));
      const { apiKey, campaignId } = await seedAccount(db.repos);
      const upload = await uploadImport(server.url, apiKey, campaignId, `phone\n${testPhones(20_000, 7).join("\n")}\n`);
      expect(upload.status).toBe(202);
      const id = upload.body.data.id as string;
      const stored = () => db.repos.collections.importJobs.findOne({ _id: new ObjectId(id) });

      let checkpoint = 0;
      for (let kill = 1; kill <= 6; kill++) {
        const worker = await startWorker();
        await waitFor(`progress before kill ${kill}`, async () => ((await stored())?.bytesProcessed ?? 0) > checkpoint);
        await worker.stop("SIGKILL");
        const job = await stored();
        expect(job).toMatchObject({ state: "running" });
        checkpoint = job!.bytesProcessed;
      }
      await startWorker();
      const ended = await waitForImportEnd(server.url, apiKey, id);

      expect(ended).toMatchObject({ state: "completed", rowsProcessed: 20_000, created: 20_000 });
      // The last claim found the checkpoint moved again, so the count of claims without progress is 1.
      expect((await stored())?.claims).toBe(1);
    },
  );
});
