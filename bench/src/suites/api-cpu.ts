import { BSON } from "mongodb";
import { leadInputSchema, normalizePhoneNumber, parseBulkCreateInput } from "@leadline/core";
import { ObjectId, toLeadDoc } from "@leadline/db";
import { testPhone, threadCpuMs } from "@leadline/testkit";
import { benchLead, bulkBody, rawLeadDocs, type BenchContext } from "../bench-context.ts";
import { summarize } from "../stats.ts";

export interface ApiCpuResult {
  requests: number;
  /**
   * With every feature of the bulk path on: an Idempotency-Key on each request, and an account
   * whose suppression list has {@link SUPPRESSION_ENTRIES} entries, 10 of each request's numbers
   * among them (the zone lookup runs on every lead anyway).
   */
  apiCpuMicrosPerLead: number;
  /** The same requests without Idempotency-Key, on an account without suppression entries: the figure of round one. */
  plainApiCpuMicrosPerLead: number;
  /** Suppression entries of the all-features account. */
  suppressionEntries: number;
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

/** Suppression entries of the all-features account. */
export const SUPPRESSION_ENTRIES = 1000;
const SUPPRESSED_PER_REQUEST = 10;

/**
 * CPU the API process spends per lead on 1000-lead REST requests, and where it goes: with every
 * feature on, and plain, the two kinds of request alternating on one API process so that the
 * machine's noise hits both alike.
 */
export async function runApiCpu(ctx: BenchContext, requests: number): Promise<ApiCpuResult> {
  const db = await ctx.database("api_cpu");
  const api = await ctx.api(db);
  const account = await ctx.seed(db);
  const featured = await ctx.seed(db);
  const { campaign } = account;
  const warmup = 3;
  let next = 0;
  const batch = () => Array.from({ length: 1000 }, () => benchLead(next++));
  // Rounds alternate which kind goes first, so the featured request's batch is the round's first or
  // second; 10 numbers of each are on its list, the rest of another area code than the requests' (201).
  const featuredStart = (round: number) => round * 2000 + (round % 2 === 0 ? 0 : 1000);
  const suppressed = Array.from({ length: requests + warmup }, (_, round) =>
    Array.from({ length: SUPPRESSED_PER_REQUEST }, (_, i) => benchLead(featuredStart(round) + i).phoneNumber),
  ).flat();
  const unrelated = Array.from({ length: SUPPRESSION_ENTRIES - suppressed.length }, (_, i) => testPhone(i, 917));
  await db.repos.suppressions.add({
    accountId: new ObjectId(featured.accountId),
    campaignId: null,
    phoneNumbers: [...suppressed, ...unrelated],
    source: "import",
  });

  let keys = 0;
  const post = async (withFeatures: boolean) => {
    const owner = withFeatures ? featured : account;
    const headers: Record<string, string> = { "content-type": "application/json", "x-api-key": owner.apiKey };
    if (withFeatures) headers["idempotency-key"] = `api-cpu-${process.pid}-${++keys}`;
    const response = await fetch(`${api.url}/api/v1/leads/bulk`, {
      method: "POST",
      headers,
      body: bulkBody(owner.campaignId, batch()),
    });
    const body = (await response.json()) as { data: { skipped: number } | null; error: string | null };
    if (response.status !== 200 || !body.data) throw new Error(`bulk request failed: ${response.status} ${body.error}`);
    const expected = withFeatures ? SUPPRESSED_PER_REQUEST : 0;
    if (body.data.skipped !== expected) throw new Error(`expected ${expected} skipped, got ${body.data.skipped}`);
  };
  const cpuMs = { featured: 0, plain: 0 };
  for (let round = 0; round < requests + warmup; round++) {
    for (const withFeatures of round % 2 === 0 ? [true, false] : [false, true]) {
      const before = threadCpuMs(api.child.pid!);
      await post(withFeatures);
      if (round >= warmup) cpuMs[withFeatures ? "featured" : "plain"] += threadCpuMs(api.child.pid!) - before;
    }
  }
  const apiCpuMicrosPerLead = (cpuMs.featured * 1000) / (requests * 1000);
  const plainApiCpuMicrosPerLead = (cpuMs.plain * 1000) / (requests * 1000);

  const body = JSON.stringify({ campaignId: account.campaignId, leads: batch() });
  const parsed = JSON.parse(body) as { leads: { phoneNumber: string }[] };
  const phones = parsed.leads.map((lead) => lead.phoneNumber);
  const jsonParse = microsPerLead(() => JSON.parse(body), 1000);
  // What the procedure runs: the schema's parse with its shortcut for common valid leads.
  const validation = microsPerLead(() => parseBulkCreateInput(parsed), 1000);
  const phoneNormalisation = microsPerLead(() => phones.forEach((phone) => normalizePhoneNumber(phone)), 1000);
  const docs = parsed.leads.map((lead) => toLeadDoc(campaign, leadInputSchema.parse(lead), new Date()));
  const bsonEncoding = microsPerLead(() => docs.forEach((doc) => BSON.serialize(doc)), 1000);
  const insertStarted = performance.now();
  await db.repos.collections.leads.insertMany(docs, { ordered: false });
  const databaseRoundTripMicrosPerLead = ((performance.now() - insertStarted) * 1000) / docs.length;
  // The median of single inserts: a sum over all would also charge the bench process's own major GCs
  // (its heap holds every suite's logs and samples) to the driver.
  const driverRuns = 15;
  const batches = Array.from({ length: driverRuns }, () => rawLeadDocs(campaign, batch()));
  const driverSamples: number[] = [];
  for (const docsOfRun of batches) {
    const cpuBefore = process.cpuUsage();
    await db.repos.collections.leads.insertMany(docsOfRun, { ordered: false });
    const cpuUsed = process.cpuUsage(cpuBefore);
    driverSamples.push((cpuUsed.user + cpuUsed.system) / docsOfRun.length);
  }
  const driverInsertCpuMicrosPerLead = summarize(driverSamples).median;
  const validationWithoutPhone = Math.max(0, validation - phoneNormalisation);
  const measured = jsonParse + validation;
  return {
    requests,
    apiCpuMicrosPerLead,
    plainApiCpuMicrosPerLead,
    suppressionEntries: SUPPRESSION_ENTRIES,
    // Of the plain requests, as in round one: the features' own cost is the difference of the two figures.
    breakdownMicrosPerLead: {
      jsonParse,
      validationWithoutPhone,
      phoneNormalisation,
      bsonEncoding,
      driverInsert: driverInsertCpuMicrosPerLead,
      rest: Math.max(0, plainApiCpuMicrosPerLead - measured - driverInsertCpuMicrosPerLead),
    },
    databaseRoundTripMicrosPerLead,
    driverInsertCpuMicrosPerLead,
  };
}
