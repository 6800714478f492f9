import { afterAll, describe, expect, it } from "vitest";
import { ObjectId, seedAccount } from "@leadline/db";
import { testPhones } from "@leadline/testkit";
import { useApiServer } from "../support/api-server.ts";
import { useTestDatabase } from "../support/database.ts";
import { uploadImport, waitForImportEnd } from "../support/imports.ts";
import { startBackgroundWorkerProcess, type WorkerProcess } from "../support/worker-process.ts";

describe("issue 21: import jobs of several accounts", () => {
  const db = useTestDatabase("issue21_fair_imports");
  const server = useApiServer(db, { IMPORT_MAX_ACTIVE_JOBS: "10" });
  let worker: WorkerProcess | undefined;
  afterAll(async () => {
    await worker?.stop();
  });

  it("are claimed in turns: one account's backlog does not hold another's job back", { timeout: 120_000 }, async () => {
    const busy = await seedAccount(db.repos);
    const other = await seedAccount(db.repos);
    const owner = new Map<string, string>();
    const upload = async (account: typeof busy, start: number) => {
      const answer = await uploadImport(
        server.url,
        account.apiKey,
        account.campaignId,
        `phone\n${testPhones(5, start).join("\n")}\n`,
      );
      expect(answer.status).toBe(202);
      owner.set(answer.body.data.id, account === busy ? "busy" : "other");
      return answer.body.data.id as string;
    };
    // Queued before any worker runs: six from one account, then two from another.
    const ids: string[] = [];
    for (let i = 0; i < 6; i++) ids.push(await upload(busy, i * 100));
    for (let i = 0; i < 2; i++) ids.push(await upload(other, 10_000 + i * 100));

    worker = await startBackgroundWorkerProcess("node", {
      MONGODB_URI: db.uri,
      MONGODB_DB: db.dbName,
      IMPORT_POLL_MS: "50",
    });
    for (const id of ids) {
      const apiKey = owner.get(id) === "busy" ? busy.apiKey : other.apiKey;
      expect((await waitForImportEnd(server.url, apiKey, id)).state).toBe("completed");
    }
    const claimed = worker.logs
      .filter((line) => line.includes('"import claimed"'))
      .map((line) => owner.get((JSON.parse(line) as { importId: string }).importId));
    expect(claimed).toEqual(["busy", "other", "busy", "other", "busy", "busy", "busy", "busy"]);
    const jobs = await db.repos.collections.importJobs
      .find({ _id: { $in: ids.map((id) => new ObjectId(id)) } })
      .toArray();
    expect(jobs.every((job) => job.claims === 1)).toBe(true);
  });
});
