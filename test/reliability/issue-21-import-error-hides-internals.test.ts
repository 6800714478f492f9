import { afterAll, describe, expect, it } from "vitest";
import { ObjectId, seedAccount } from "@leadline/db";
import { testPhones, waitFor } from "@leadline/testkit";
import { useApiServer } from "../support/api-server.ts";
import { useTestDatabase } from "../support/database.ts";
import { uploadImport, waitForImportEnd } from "../support/imports.ts";
import { startBackgroundWorkerProcess, type WorkerProcess } from "../support/worker-process.ts";

describe("issue 21: an import that fails on an internal error", () => {
  const db = useTestDatabase("issue21_import_internal_error");
  const server = useApiServer(db);
  let worker: WorkerProcess | undefined;
  afterAll(async () => {
    await worker?.stop();
  });

  it("tells the tenant a generic message and the worker's log the details", { timeout: 60_000 }, async () => {
    const { apiKey, campaignId } = await seedAccount(db.repos);
    const upload = await uploadImport(server.url, apiKey, campaignId, `phone\n${testPhones(50_000).join("\n")}\n`);
    expect(upload.status).toBe(202);
    const id = upload.body.data.id as string;
    // A stored file that lost a chunk: the driver's own error text is what reading it throws.
    const job = await db.repos.collections.importJobs.findOne({ _id: new ObjectId(id) });
    const chunks = db.connection.db.collection("imports.chunks");
    expect((await chunks.deleteOne({ files_id: job!.fileId, n: 1 })).deletedCount).toBe(1);

    worker = await startBackgroundWorkerProcess("node", {
      MONGODB_URI: db.uri,
      MONGODB_DB: db.dbName,
      IMPORT_POLL_MS: "50",
    });
    const ended = await waitForImportEnd(server.url, apiKey, id);

    expect(ended.state).toBe("failed");
    expect(ended.error).toBe(
      "The import stopped on an internal error; leads stored before it stay in the campaign. " +
        "Upload the file again, or contact support with this import's id",
    );
    await waitFor("the failure in the worker's log", () =>
      worker!.logs.some((line) => line.includes('"import failed"') && line.includes("ChunkIsMissing")),
    );
  });
});
