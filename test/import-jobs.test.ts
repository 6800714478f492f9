import { afterAll, describe, expect, it } from "vitest";
import { leadFromCsvRecord, type LeadInput } from "@leadline/core";
import { ObjectId, seedAccount, type LeadDoc } from "@leadline/db";
import { postBulk, useApiServer } from "./support/api-server.ts";
import { useTestDatabase, type TestDatabase } from "./support/database.ts";
import { flawedCsv, getImport, uploadImport, waitForImportEnd } from "./support/imports.ts";
import { rest } from "./support/rest.ts";
import { startBackgroundWorkerProcess, type WorkerProcess, type WorkerRuntime } from "./support/worker-process.ts";

const stored = async (db: TestDatabase, campaignId: string) =>
  (await db.repos.collections.leads.find({ campaignId: new ObjectId(campaignId) }).toArray())
    .map((lead: LeadDoc) => ({
      phoneNumber: lead.phoneNumber,
      externalId: lead.externalId,
      priority: lead.priority,
      metadata: lead.metadata,
    }))
    .sort((a, b) => a.phoneNumber.localeCompare(b.phoneNumber));

async function errorReport(url: string, apiKey: string, importId: string) {
  const response = await fetch(`${url}/api/v1/imports/${importId}/errors`, { headers: { "x-api-key": apiKey } });
  return { status: response.status, type: response.headers.get("content-type"), text: await response.text() };
}

describe("import uploads, refused before a worker is involved", () => {
  const db = useTestDatabase("import_uploads");
  const server = useApiServer(db, { MAX_IMPORT_BYTES: "4096", IMPORT_MAX_ACTIVE_JOBS: "2" });

  it("answers 415 for another media type and 413 over MAX_IMPORT_BYTES, keeping nothing in GridFS", async () => {
    const { apiKey, campaignId } = await seedAccount(db.repos);
    const json = await uploadImport(server.url, apiKey, campaignId, '{"leads":[]}', "application/json");
    expect(json.status).toBe(415);
    expect(json.body).toMatchObject({ success: false, data: null });
    expect(json.body.error).toMatch(/text\/csv or application\/x-ndjson/);

    const big = `phone\n${"+15555550000\n".repeat(400)}`;
    // Streamed without Content-Length, so the limit is found while the body arrives.
    const stream = new Blob([big]).stream();
    const response = await fetch(`${server.url}/api/v1/campaigns/${campaignId}/imports`, {
      method: "POST",
      headers: { "x-api-key": apiKey, "content-type": "text/csv" },
      body: stream,
      duplex: "half",
    } as RequestInit);
    expect(response.status).toBe(413);
    expect(((await response.json()) as { error: string }).error).toMatch(/MAX_IMPORT_BYTES/);
    expect(await db.repos.importFiles.count()).toBe(0);
    expect(await db.repos.collections.importJobs.countDocuments({})).toBe(0);
  });

  it("holds an account to IMPORT_MAX_ACTIVE_JOBS with 429; a cancelled job frees its slot; the bulk budget is untouched", async () => {
    const { apiKey, campaignId } = await seedAccount(db.repos);
    const csv = "phone\n+15555550001\n";
    const first = await uploadImport(server.url, apiKey, campaignId, csv);
    expect(first.status).toBe(202);
    expect(first.headers.get("location")).toBe(`/api/v1/imports/${first.body.data.id}`);
    expect(first.body.data).toMatchObject({ state: "queued", format: "csv", bytesTotal: csv.length, created: 0 });
    expect((await uploadImport(server.url, apiKey, campaignId, csv)).status).toBe(202);
    const third = await uploadImport(server.url, apiKey, campaignId, csv);
    expect(third.status).toBe(429);
    expect(third.body.error).toMatch(/already has 2 imports queued or running/);

    const cancelled = await rest(server.url, apiKey, "POST", `/imports/${first.body.data.id}/cancel`, {});
    expect(cancelled.status).toBe(200);
    expect(cancelled.body.data).toMatchObject({ state: "cancelled", created: 0 });
    expect(cancelled.body.data.error).toMatch(/leads stored before the cancel stay/);
    expect((await uploadImport(server.url, apiKey, campaignId, csv)).status).toBe(202);

    const listed = await rest(server.url, apiKey, "GET", `/campaigns/${campaignId}/imports`);
    expect(listed.body.data.imports.map((job: { state: string }) => job.state)).toEqual([
      "queued",
      "queued",
      "cancelled",
    ]);
    const bulk = await postBulk(server.url, apiKey, { campaignId, leads: [{ phoneNumber: "+15555550009" }] });
    expect(bulk.headers.get("ratelimit-remaining")).toBe("9");
  });

  it("answers 404 for another account's import, its errors and its campaign", async () => {
    const owner = await seedAccount(db.repos);
    const other = await seedAccount(db.repos);
    const job = await uploadImport(server.url, owner.apiKey, owner.campaignId, "phone\n+15555550001\n");
    expect((await getImport(server.url, other.apiKey, job.body.data.id)).status).toBe(404);
    expect((await errorReport(server.url, other.apiKey, job.body.data.id)).status).toBe(404);
    expect((await rest(server.url, other.apiKey, "POST", `/imports/${job.body.data.id}/cancel`, {})).status).toBe(404);
    expect((await uploadImport(server.url, other.apiKey, owner.campaignId, "phone\n")).status).toBe(404);
  });
});

describe.each<WorkerRuntime>(["node", "deno"])("import jobs processed by the worker under %s", (runtime) => {
  const db = useTestDatabase(`import_jobs_${runtime}`);
  const server = useApiServer(db, { BULK_RATE_LIMIT: "1000" });
  const workers: WorkerProcess[] = [];
  const startWorker = async () => {
    const worker = await startBackgroundWorkerProcess(runtime, {
      MONGODB_URI: db.uri,
      MONGODB_DB: db.dbName,
      IMPORT_POLL_MS: "50",
    });
    workers.push(worker);
  };
  afterAll(async () => {
    await Promise.all(workers.map((worker) => worker.stop()));
  });

  it(
    "a 20,000-row CSV ends with the counters and stored leads of the same rows sent through the bulk endpoint",
    { timeout: 180_000 },
    async () => {
      await startWorker();
      const { apiKey, campaignId } = await seedAccount(db.repos);
      const bulkCampaign = (await rest(server.url, apiKey, "POST", "/campaigns", { name: "bulk twin" })).body.data.id;
      const { csv, records } = flawedCsv(20_000);
      const upload = await uploadImport(server.url, apiKey, campaignId, csv);
      expect(upload.status).toBe(202);

      // The same rows through the bulk path, 1000 valid leads per request.
      const valid: LeadInput[] = [];
      let invalid = 0;
      for (const record of records) {
        const row = leadFromCsvRecord(record);
        if (row.ok) valid.push(row.input);
        else invalid += 1;
      }
      let created = 0;
      let skipped = 0;
      for (let i = 0; i < valid.length; i += 1000) {
        const answer = await postBulk(server.url, apiKey, {
          campaignId: bulkCampaign,
          leads: valid.slice(i, i + 1000),
        });
        expect(answer.status).toBe(200);
        created += answer.body.data.created;
        skipped += answer.body.data.skipped;
      }

      const view = await waitForImportEnd(server.url, apiKey, upload.body.data.id, 150_000);
      expect(view).toMatchObject({
        state: "completed",
        rowsProcessed: 20_000,
        created,
        skipped,
        suppressed: 0,
        invalid,
        bytesProcessed: csv.length,
        bytesTotal: csv.length,
        percent: 100,
        error: null,
      });
      expect(created).toBeGreaterThan(0);
      expect(skipped).toBeGreaterThan(0);
      expect(invalid).toBeGreaterThan(0);
      expect(await stored(db, campaignId)).toEqual(await stored(db, bulkCampaign));

      const report = await errorReport(server.url, apiKey, upload.body.data.id);
      expect(report.type).toBe("text/csv; charset=utf-8");
      const reportLines = report.text.trimEnd().split("\r\n");
      expect(reportLines[0]).toBe("line,error,phone,id,priority,first_name");
      expect(reportLines).toHaveLength(invalid + 1);
      expect(reportLines[1]).toMatch(
        /^26,"phoneNumber must be in international format[^"]*",not-a-phone,crm-24,24,Ada24$/,
      );
    },
  );

  it(
    "fails a file at a quote left open, broken CSV or an endless NDJSON line, storing the rows before it",
    { timeout: 60_000 },
    async () => {
      if (workers.length === 0) await startWorker();
      const { apiKey, campaignId } = await seedAccount(db.repos);
      const good = (first: number) => [1, 2, 3].map((i) => `+1212555${first + i}`);
      const files: [string, string, string, RegExp][] = [
        // The open quote would read the rest of the file, 100,000 more characters, into one row.
        [
          "text/csv",
          ["phone,name", ...good(1000).map((phone) => `${phone},Ann`), '+12125551009,"Bob', "x".repeat(100_000)].join(
            "\n",
          ),
          "+1212555100",
          /^line 5: the row runs past 65536 characters; is a quote left open\?$/,
        ],
        // Rows and the broken one in a single chunk: the parser fails before the rows are read.
        [
          "text/csv",
          ["phone,name", ...good(2000).map((phone) => `${phone},Ann`), '+12125552009,"Bo"b', "+12125552010,Cy"].join(
            "\n",
          ),
          "+1212555200",
          /^line 5: the file is not valid CSV from here: Invalid Closing Quote/,
        ],
        [
          "application/x-ndjson",
          [...good(3000).map((phone) => JSON.stringify({ phoneNumber: phone })), "x".repeat(100_000)].join("\n"),
          "+1212555300",
          /^line 4: the line runs past 65536 bytes without a line break$/,
        ],
      ];
      for (const [type, body, phonePrefix, error] of files) {
        const job = await uploadImport(server.url, apiKey, campaignId, body, type);
        expect(job.status).toBe(202);
        const view = await waitForImportEnd(server.url, apiKey, job.body.data.id);
        expect(view).toMatchObject({ state: "failed", created: 3, rowsProcessed: 3 });
        expect(view.error).toMatch(error);
        const stored = await db.repos.collections.leads.countDocuments({
          campaignId: new ObjectId(campaignId),
          phoneNumber: { $regex: `^\\${phonePrefix}` },
        });
        expect(stored).toBe(3);
      }
    },
  );

  it(
    "reads a BOM, CRLF line ends, quoted fields with commas, quotes and line breaks, and NDJSON",
    { timeout: 60_000 },
    async () => {
      if (workers.length === 0) await startWorker();
      const { apiKey, campaignId } = await seedAccount(db.repos);
      const csv =
        "\ufeffPhone,ID,note\r\n" +
        '+12125550001,a1,"said ""hi"", then\r\nleft"\r\n' +
        "\r\n" +
        "+12125550002,a2,plain\r\n" +
        "oops,a3,bad\r\n" +
        "+12125550001,a4,dup";
      const job = await uploadImport(server.url, apiKey, campaignId, new TextEncoder().encode(csv));
      const view = await waitForImportEnd(server.url, apiKey, job.body.data.id);
      expect(view).toMatchObject({ state: "completed", rowsProcessed: 4, created: 2, skipped: 1, invalid: 1 });
      const lead = await db.repos.collections.leads.findOne({ externalId: "a1" });
      expect(lead?.metadata).toEqual({ note: 'said "hi", then\r\nleft' });
      const report = await errorReport(server.url, apiKey, job.body.data.id);
      expect(report.text).toMatch(
        /^line,error,Phone,ID,note\r\n6,"phoneNumber must be in international format[^"]*",oops,a3,bad\r\n$/,
      );

      const ndjson = [
        '{"phoneNumber":"+12125550101","externalId":"n1","priority":5,"metadata":{"tier":"gold"}}',
        "",
        '{"phoneNumber":"+12125550101"}',
        '{"phoneNumber":"+1 (212) 555-0102","scheduledFor":"2030-01-01T09:00:00Z"}',
        "{not json",
        '{"phoneNumber":"+12125550103","priority":101}',
      ].join("\n");
      const ndJob = await uploadImport(server.url, apiKey, campaignId, ndjson, "application/x-ndjson");
      expect(ndJob.status).toBe(202);
      const ndView = await waitForImportEnd(server.url, apiKey, ndJob.body.data.id);
      expect(ndView).toMatchObject({
        state: "completed",
        format: "ndjson",
        rowsProcessed: 5,
        created: 2,
        skipped: 1,
        invalid: 2,
      });
      expect(await db.repos.collections.leads.findOne({ phoneNumber: "+12125550102" })).toMatchObject({
        scheduledFor: new Date("2030-01-01T09:00:00Z"),
      });
      const ndReport = (await errorReport(server.url, apiKey, ndJob.body.data.id)).text.split("\r\n");
      expect(ndReport[0]).toBe("line,error,row");
      expect(ndReport[1]).toMatch(/^5,line is not valid JSON/);
      expect(ndReport[2]).toBe(
        '6,priority must be an integer from 0 to 100,"{""phoneNumber"":""+12125550103"",""priority"":101}"',
      );
    },
  );
});
