import { BSON } from "mongodb";
import { bulkCreateInputSchema, leadInputSchema, normalizePhoneNumber } from "@leadline/core";
import { toLeadDoc } from "@leadline/db";
import { processStats } from "@leadline/testkit";
import { benchLead, postBulk, rawLeadDocs, type BenchContext } from "../bench-context.ts";
import { summarize } from "../stats.ts";

export interface ApiCpuResult {
  requests: number;
  apiCpuMicrosPerLead: number;
  /** Per lead, measured on the same bodies in the bench process. */
  breakdownMicrosPerLead: {
    jsonParse: number;
    validationWithoutPhone: number;
    phoneNormalisation: number;
    bsonEncoding: number;
    driverInsert: number;
    rest: number;
  };
  /** Wall time of the raw insert per lead: the database round trip the API waits for. */
  databaseRoundTripMicrosPerLead: number;
  /** CPU the driver's own insertMany costs per lead (BSON, batching, reply), measured in the bench process. */
  driverInsertCpuMicrosPerLead: number;
}

function microsPerLead(work: () => void, leads: number, repeats = 30): number {
  for (let i = 0; i < 10; i++) work(); // warm the JIT first
  const samples: number[] = [];
  for (let i = 0; i < repeats; i++) {
    const started = process.hrtime.bigint();
    work();
    samples.push(Number(process.hrtime.bigint() - started) / 1000 / leads);
  }
  return summarize(samples).median;
}

/** CPU the API process spends per lead on 1000-lead REST requests, and where it goes. */
export async function runApiCpu(ctx: BenchContext, requests: number): Promise<ApiCpuResult> {
  const db = await ctx.database("api_cpu");
  const api = await ctx.api(db);
  const account = await ctx.seed(db);
  const { campaign } = account;
  let next = 0;
  const batch = () => Array.from({ length: 1000 }, () => benchLead(next++));
  for (let i = 0; i < 3; i++) await postBulk(api.url, account.apiKey, account.campaignId, batch());

  const before = processStats(api.child.pid!);
  for (let i = 0; i < requests; i++) await postBulk(api.url, account.apiKey, account.campaignId, batch());
  const after = processStats(api.child.pid!);
  const apiCpuMicrosPerLead = ((after.cpuMs - before.cpuMs) * 1000) / (requests * 1000);

  const body = JSON.stringify({ campaignId: account.campaignId, leads: batch() });
  const parsed = JSON.parse(body) as { leads: { phoneNumber: string }[] };
  const phones = parsed.leads.map((lead) => lead.phoneNumber);
  const jsonParse = microsPerLead(() => JSON.parse(body), 1000);
  const validation = microsPerLead(() => bulkCreateInputSchema.parse(parsed), 1000);
  const phoneNormalisation = microsPerLead(() => phones.forEach((phone) => normalizePhoneNumber(phone)), 1000);
  const docs = parsed.leads.map((lead) => toLeadDoc(campaign, leadInputSchema.parse(lead), new Date()));
  const bsonEncoding = microsPerLead(() => docs.forEach((doc) => BSON.serialize(doc)), 1000);
  const insertStarted = performance.now();
  await db.repos.collections.leads.insertMany(docs, { ordered: false });
  const databaseRoundTripMicrosPerLead = ((performance.now() - insertStarted) * 1000) / docs.length;
  const driverRuns = 10;
  const batches = Array.from({ length: driverRuns }, () => rawLeadDocs(campaign, batch()));
  const cpuBefore = process.cpuUsage();
  for (const docsOfRun of batches) await db.repos.collections.leads.insertMany(docsOfRun, { ordered: false });
  const cpuUsed = process.cpuUsage(cpuBefore);
  const driverInsertCpuMicrosPerLead = (cpuUsed.user + cpuUsed.system) / (driverRuns * 1000);
  const validationWithoutPhone = Math.max(0, validation - phoneNormalisation);
  const measured = jsonParse + validation;
  return {
    requests,
    apiCpuMicrosPerLead,
    breakdownMicrosPerLead: {
      jsonParse,
      validationWithoutPhone,
      phoneNormalisation,
      bsonEncoding,
      driverInsert: driverInsertCpuMicrosPerLead,
      rest: Math.max(0, apiCpuMicrosPerLead - measured - driverInsertCpuMicrosPerLead),
    },
    databaseRoundTripMicrosPerLead,
    driverInsertCpuMicrosPerLead,
  };
}
