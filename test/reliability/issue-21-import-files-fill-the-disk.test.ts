import { describe, expect, it } from "vitest";
import { parseApiConfig } from "@leadline/api-service";
import { ObjectId, seedAccount, type ImportJobDoc } from "@leadline/db";
import { testPhones } from "@leadline/testkit";
import { useApiServer } from "../support/api-server.ts";
import { useTestDatabase, type TestDatabase } from "../support/database.ts";
import { uploadImport, waitForImportEnd } from "../support/imports.ts";
import { rest } from "../support/rest.ts";
import { useBackgroundWorker } from "../support/worker-process.ts";

// 604 bytes: one of them fits in a quota of 1000 bytes, two do not.
const csv = (start: number) => `phone\n${testPhones(46, start).join("\n")}\n`;
const QUOTA = 1000;

const jobOf = (db: TestDatabase, id: string) => db.repos.collections.importJobs.findOne({ _id: new ObjectId(id) });
const chunksOf = (db: TestDatabase, job: ImportJobDoc | null) =>
  db.connection.db.collection("imports.chunks").countDocuments({ files_id: job?.fileId ?? new ObjectId() });

async function errorReport(url: string, apiKey: string, id: string) {
  const response = await fetch(`${url}/api/v1/imports/${id}/errors`, { headers: { "x-api-key": apiKey } });
  return { status: response.status, text: await response.text() };
}

/** The bytes an account's imports hold in GridFS, counted from the files themselves. */
async function storedFileBytes(db: TestDatabase, accountId: ObjectId) {
  const jobs = await db.repos.collections.importJobs.find({ accountId, fileId: { $exists: true } }).toArray();
  const files = await db.connection.db
    .collection("imports.files")
    .find({ _id: { $in: jobs.map((job) => job.fileId!) } })
    .toArray();
  return files.reduce((sum, file) => sum + (file.length as number), 0);
}

describe("issue 21: a failed import's file", () => {
  const db = useTestDatabase("issue21_failed_file");
  const server = useApiServer(db);
  useBackgroundWorker(db);

  it("is deleted as soon as the job fails; the error report stays", { timeout: 60_000 }, async () => {
    const { apiKey, campaignId } = await seedAccount(db.repos);
    const upload = await uploadImport(
      server.url,
      apiKey,
      campaignId,
      `phone\n+12125550001\nnot-a-phone\n`,
      "text/csv",
      "?onInvalid=reject",
    );
    const id = upload.body.data.id as string;
    const ended = await waitForImportEnd(server.url, apiKey, id);
    expect(ended.state).toBe("failed");
    expect(ended.error).toMatch(/^line 3: /);
    // The worker deletes the file right after recording the failure.
    await expect.poll(async () => (await jobOf(db, id))?.fileId, { timeout: 10_000 }).toBeUndefined();
    expect(await db.repos.importFiles.count()).toBe(0);
    const report = await errorReport(server.url, apiKey, id);
    expect(report.status).toBe(200);
    expect(report.text).toMatch(/\r\n3,.*not-a-phone\r\n$/);
  });
});

describe("issue 21: import storage per account (IMPORT_MAX_STORED_BYTES)", () => {
  it("defaults to every job slot's file at full size (3 × 1 GiB) and names a bad value", () => {
    expect(parseApiConfig({}).imports.maxStoredBytes).toBe(3 * 1024 ** 3);
    expect(parseApiConfig({ IMPORT_MAX_ACTIVE_JOBS: "2", MAX_IMPORT_BYTES: "1000" }).imports.maxStoredBytes).toBe(2000);
    expect(() => parseApiConfig({ IMPORT_MAX_STORED_BYTES: "lots" })).toThrow(/IMPORT_MAX_STORED_BYTES: /);
  });

  const db = useTestDatabase("issue21_stored_bytes");
  // No worker: uploads stay queued, their files stored.
  const server = useApiServer(db, { IMPORT_MAX_STORED_BYTES: String(QUOTA), IMPORT_MAX_ACTIVE_JOBS: "10" });

  it("refuses an upload past the quota with 429 and a message, and counts only files still stored", async () => {
    const { apiKey, campaignId } = await seedAccount(db.repos);
    const first = await uploadImport(server.url, apiKey, campaignId, csv(0));
    expect(first.status).toBe(202);

    const refused = await uploadImport(server.url, apiKey, campaignId, csv(100));
    expect(refused.status).toBe(429);
    expect(refused.headers.get("retry-after")).toBe("60");
    expect(refused.body).toEqual({
      success: false,
      data: null,
      error:
        `This account's imports already keep files near its ${QUOTA} bytes of import storage ` +
        `(IMPORT_MAX_STORED_BYTES; ${QUOTA - csv(0).length} bytes left); wait for its queued or running imports ` +
        `to finish, or cancel one, then upload again`,
    });

    // Cancelling the queued job deletes its file at once, and frees its room; its error report still answers.
    const firstJob = await jobOf(db, first.body.data.id);
    expect(await chunksOf(db, firstJob)).toBe(1);
    const cancelled = await rest(server.url, apiKey, "POST", `/imports/${first.body.data.id}/cancel`, {});
    expect(cancelled.body.data.state).toBe("cancelled");
    expect(await chunksOf(db, firstJob)).toBe(0);
    expect((await jobOf(db, first.body.data.id))?.fileId).toBeUndefined();
    expect((await errorReport(server.url, apiKey, first.body.data.id)).status).toBe(200);
    expect((await uploadImport(server.url, apiKey, campaignId, csv(200))).status).toBe(202);
  });

  it("gives a streamed upload without a length only the room left: past it 429, and nothing kept", async () => {
    const { apiKey, campaignId, accountId } = await seedAccount(db.repos);
    expect((await uploadImport(server.url, apiKey, campaignId, csv(0))).status).toBe(202);
    const bytes = new TextEncoder().encode(csv(100));
    const streamed = await fetch(`${server.url}/api/v1/campaigns/${campaignId}/imports`, {
      method: "POST",
      headers: { "x-api-key": apiKey, "content-type": "text/csv" },
      body: new ReadableStream({
        start(controller) {
          for (let at = 0; at < bytes.length; at += 100) controller.enqueue(bytes.slice(at, at + 100));
          controller.close();
        },
      }),
      duplex: "half",
    } as RequestInit);
    expect(streamed.status).toBe(429);
    expect(((await streamed.json()) as { error: string }).error).toMatch(/IMPORT_MAX_STORED_BYTES/);
    expect(await storedFileBytes(db, new ObjectId(accountId))).toBe(csv(0).length);
  });

  it("lets uploads racing for the last room pass the quota together never", async () => {
    const { apiKey, campaignId, accountId } = await seedAccount(db.repos);
    const answers = await Promise.all(
      Array.from({ length: 6 }, (_, i) => uploadImport(server.url, apiKey, campaignId, csv(1000 * i))),
    );
    const statuses = answers.map((answer) => answer.status);
    expect(statuses.every((status) => status === 202 || status === 429)).toBe(true);
    expect(statuses.filter((status) => status === 202).length).toBeLessThanOrEqual(1);
    expect(await storedFileBytes(db, new ObjectId(accountId))).toBeLessThanOrEqual(QUOTA);
  });

  it("deletes a completed import's kept file early, oldest first, to make room", async () => {
    const { apiKey, campaignId } = await seedAccount(db.repos);
    const first = await uploadImport(server.url, apiKey, campaignId, csv(0));
    // As a worker leaves a finished job: completed, its file kept for the retention time.
    await db.repos.collections.importJobs.updateOne(
      { _id: new ObjectId(first.body.data.id) },
      { $set: { state: "completed", finishedAt: new Date() } },
    );
    const firstJob = await jobOf(db, first.body.data.id);
    expect((await uploadImport(server.url, apiKey, campaignId, csv(100))).status).toBe(202);
    expect(await chunksOf(db, firstJob)).toBe(0);
    expect((await jobOf(db, first.body.data.id))?.fileId).toBeUndefined();
  });
});
