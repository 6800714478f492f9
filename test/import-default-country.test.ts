import { afterAll, describe, expect, it } from "vitest";
import { ObjectId, seedAccount } from "@leadline/db";
import { useApiServer } from "./support/api-server.ts";
import { useTestDatabase } from "./support/database.ts";
import { uploadImport, waitForImportEnd } from "./support/imports.ts";
import { rest } from "./support/rest.ts";
import { startBackgroundWorkerProcess, type WorkerProcess, type WorkerRuntime } from "./support/worker-process.ts";

describe("defaultCountry on an import upload, refused before a worker is involved", () => {
  const db = useTestDatabase("import_default_country_refused");
  const server = useApiServer(db);

  it("answers 400 with a message for a country code that is not one, keeping no job", async () => {
    const { apiKey, campaignId } = await seedAccount(db.repos);
    for (const country of ["XX", "gb", "GBR"]) {
      const answer = await uploadImport(
        server.url,
        apiKey,
        campaignId,
        "phone\n07700900123\n",
        "text/csv",
        `?defaultCountry=${country}`,
      );
      expect(answer.status).toBe(400);
      expect(answer.body).toMatchObject({ success: false, data: null });
      expect(answer.body.error).toMatch(/^defaultCountry must be an ISO 3166-1 alpha-2 country code/);
    }
    expect(await db.repos.collections.importJobs.countDocuments({})).toBe(0);
    expect(await db.repos.importFiles.count()).toBe(0);
  });
});

describe.each<WorkerRuntime>(["node", "deno"])("defaultCountry on an import, worker under %s", (runtime) => {
  const db = useTestDatabase(`import_default_country_${runtime}`);
  const server = useApiServer(db, { IMPORT_MAX_ACTIVE_JOBS: "10" });
  let worker: WorkerProcess | undefined;
  afterAll(async () => {
    await worker?.stop();
  });

  it(
    "stores national numbers as E.164 of the upload's country, else the campaign's, as the bulk path does",
    { timeout: 60_000 },
    async () => {
      worker = await startBackgroundWorkerProcess(runtime, {
        MONGODB_URI: db.uri,
        MONGODB_DB: db.dbName,
        IMPORT_POLL_MS: "50",
      });
      const { apiKey, campaignId } = await seedAccount(db.repos);
      const csv = "phone,id\n020 7946 0001,a\n07700 900123,b\n+1 212 555 0100,c\n12345,d\n";
      const job = await uploadImport(server.url, apiKey, campaignId, csv, "text/csv", "?defaultCountry=GB");
      expect(job.status).toBe(202);
      const view = await waitForImportEnd(server.url, apiKey, job.body.data.id);
      expect(view).toMatchObject({ state: "completed", rowsProcessed: 4, created: 3, invalid: 1 });
      const leads = await db.repos.collections.leads.find({ campaignId: new ObjectId(campaignId) }).toArray();
      expect(leads.map((lead) => [lead.externalId, lead.phoneNumber]).sort()).toEqual([
        ["a", "+442079460001"],
        ["b", "+447700900123"],
        ["c", "+12125550100"],
      ]);
      const report = await fetch(`${server.url}/api/v1/imports/${job.body.data.id}/errors`, {
        headers: { "x-api-key": apiKey },
      });
      expect(await report.text()).toMatch(
        /^line,error,phone,id\r\n5,"?phoneNumber must be a valid phone number of GB \(defaultCountry\)/,
      );

      // The same rows through the bulk endpoint give the same numbers.
      const twin = (await rest(server.url, apiKey, "POST", "/campaigns", { name: "bulk twin" })).body.data.id;
      const bulk = await rest(server.url, apiKey, "POST", "/leads/bulk", {
        campaignId: twin,
        defaultCountry: "GB",
        onInvalid: "skip",
        leads: [{ phoneNumber: "020 7946 0001" }, { phoneNumber: "07700 900123" }, { phoneNumber: "+1 212 555 0100" }],
      });
      expect(bulk.body.data.created).toBe(3);
      const bulkPhones = (await db.repos.collections.leads.find({ campaignId: new ObjectId(twin) }).toArray())
        .map((lead) => lead.phoneNumber)
        .sort();
      expect(bulkPhones).toEqual(leads.map((lead) => lead.phoneNumber).sort());

      // Without the option, the campaign's defaultCountry; NDJSON alike.
      const german = await rest(server.url, apiKey, "POST", "/campaigns", { name: "de", defaultCountry: "DE" });
      expect(german.body.data.defaultCountry).toBe("DE");
      const ndjson = '{"phoneNumber":"030 901820","externalId":"de1"}\n';
      const deJob = await uploadImport(server.url, apiKey, german.body.data.id, ndjson, "application/x-ndjson");
      expect(await waitForImportEnd(server.url, apiKey, deJob.body.data.id)).toMatchObject({
        state: "completed",
        created: 1,
      });
      expect((await db.repos.collections.leads.findOne({ externalId: "de1" }))?.phoneNumber).toBe("+4930901820");
    },
  );
});
