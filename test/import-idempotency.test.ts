import { describe, expect, it } from "vitest";
import { seedAccount } from "@leadline/db";
import { waitFor } from "@leadline/testkit";
import { API_RUNTIMES, useApiServer } from "./support/api-server.ts";
import { useTestDatabase, type TestDatabase } from "./support/database.ts";

let keyCounter = 0;
const newKey = () => `upload-key-${process.pid}-${++keyCounter}`;

async function upload(
  url: string,
  apiKey: string,
  campaignId: string,
  body: string | ReadableStream<Uint8Array>,
  key: string | undefined,
  query = "",
) {
  const response = await fetch(`${url}/api/v1/campaigns/${campaignId}/imports${query}`, {
    method: "POST",
    headers: { "x-api-key": apiKey, "content-type": "text/csv", ...(key ? { "Idempotency-Key": key } : {}) },
    body,
    ...(typeof body === "string" ? {} : { duplex: "half" }),
  } as RequestInit);
  return { status: response.status, headers: response.headers, body: (await response.json()) as any };
}

/** A request body the test writes piece by piece: the upload stays open until `end()`. */
function heldBody() {
  let controller!: ReadableStreamDefaultController<Uint8Array>;
  const stream = new ReadableStream<Uint8Array>({
    start: (c) => {
      controller = c;
    },
  });
  return {
    stream,
    write: (text: string) => controller.enqueue(new TextEncoder().encode(text)),
    end: () => controller.close(),
  };
}

const jobsAndFiles = async (db: TestDatabase) => ({
  jobs: await db.repos.collections.importJobs.countDocuments({}),
  files: await db.repos.importFiles.count(),
});

describe.each(API_RUNTIMES)("Idempotency-Key on the import upload (%s)", (runtime) => {
  const db = useTestDatabase(`import_idempotency_${runtime}`);
  const server = useApiServer(db, { IMPORT_MAX_ACTIVE_JOBS: "50" }, runtime);

  it("replays the first 202 for the same key and body: same job and Location, no second job or file", async () => {
    const { apiKey, campaignId } = await seedAccount(db.repos);
    const before = await jobsAndFiles(db);
    const key = newKey();
    const csv = "phone\n+15555550001\n+15555550002\n";
    const first = await upload(server.url, apiKey, campaignId, csv, key, "?onInvalid=skip");
    expect(first.status).toBe(202);
    expect(first.headers.get("Idempotent-Replayed")).toBeNull();
    for (let i = 0; i < 3; i++) {
      const again = await upload(server.url, apiKey, campaignId, csv, key, "?onInvalid=skip");
      expect(again.status).toBe(202);
      expect(again.body).toEqual(first.body);
      expect(again.headers.get("location")).toBe(first.headers.get("location"));
      expect(again.headers.get("Idempotent-Replayed")).toBe("true");
    }
    // Streamed without Content-Length, the same bytes are the same request.
    const streamed = heldBody();
    const pending = upload(server.url, apiKey, campaignId, streamed.stream, key, "?onInvalid=skip");
    streamed.write(csv.slice(0, 10));
    streamed.write(csv.slice(10));
    streamed.end();
    expect((await pending).body).toEqual(first.body);
    expect(await jobsAndFiles(db)).toEqual({ jobs: before.jobs + 1, files: before.files + 1 });
  });

  it("answers 422 for the key with another body or other options, keeping no file or job of them", async () => {
    const { apiKey, campaignId } = await seedAccount(db.repos);
    const key = newKey();
    expect((await upload(server.url, apiKey, campaignId, "phone\n+15555550011\n", key)).status).toBe(202);
    const before = await jobsAndFiles(db);
    for (const [body, query] of [
      ["phone\n+15555550012\n", ""],
      ["phone\n+15555550011\n", "?onInvalid=reject"],
    ] as const) {
      const other = await upload(server.url, apiKey, campaignId, body, key, query);
      expect(other.status).toBe(422);
      expect(other.body).toEqual({
        success: false,
        data: null,
        error: "This Idempotency-Key was already used with a different request body; use a new key for a new request",
      });
    }
    expect(await jobsAndFiles(db)).toEqual(before);
  });

  it("answers 409 with Retry-After while the first upload with the key is still arriving, then replays it", async () => {
    const { apiKey, campaignId } = await seedAccount(db.repos);
    const before = await jobsAndFiles(db);
    const key = newKey();
    const held = heldBody();
    const first = upload(server.url, apiKey, campaignId, held.stream, key);
    held.write("phone\n+15555550021\n");
    await waitFor("the first upload to claim its key", async () =>
      Boolean(await db.repos.collections.idempotencyRecords.findOne({ key })),
    );
    const meanwhile = await upload(server.url, apiKey, campaignId, "phone\n+15555550021\n+15555550022\n", key);
    expect(meanwhile.status).toBe(409);
    expect(meanwhile.headers.get("Retry-After")).toMatch(/^\d+$/);
    expect(meanwhile.body.error).toMatch(/still being processed/);
    held.write("+15555550022\n");
    held.end();
    const done = await first;
    expect(done.status).toBe(202);
    const again = await upload(server.url, apiKey, campaignId, "phone\n+15555550021\n+15555550022\n", key);
    expect(again.status).toBe(202);
    expect(again.body.data.id).toBe(done.body.data.id);
    expect(await jobsAndFiles(db)).toEqual({ jobs: before.jobs + 1, files: before.files + 1 });
  });
});

describe("Idempotency-Key on the import upload: found to be a replay only after the upload", () => {
  const db = useTestDatabase("import_idempotency_late");
  // A lease shorter than the upload: a retry takes the key over while the first still uploads.
  const server = useApiServer(db, { IDEMPOTENCY_LEASE_MS: "200", IMPORT_MAX_ACTIVE_JOBS: "50" });

  it("deletes the file it just uploaded and answers the retry's 202, replayed", async () => {
    const { apiKey, campaignId } = await seedAccount(db.repos);
    const key = newKey();
    const csv = "phone\n+15555550031\n";
    const held = heldBody();
    const slow = upload(server.url, apiKey, campaignId, held.stream, key);
    held.write(csv.slice(0, 8));
    await waitFor("the slow upload to claim its key", async () =>
      Boolean(await db.repos.collections.idempotencyRecords.findOne({ key })),
    );
    await new Promise((resolve) => setTimeout(resolve, 400));
    const retry = await upload(server.url, apiKey, campaignId, csv, key);
    expect(retry.status).toBe(202);
    expect(retry.headers.get("Idempotent-Replayed")).toBeNull();
    held.write(csv.slice(8));
    held.end();
    const late = await slow;
    expect(late.status).toBe(202);
    expect(late.body).toEqual(retry.body);
    expect(late.headers.get("Idempotent-Replayed")).toBe("true");
    expect(await jobsAndFiles(db)).toEqual({ jobs: 1, files: 1 });
  });
});
