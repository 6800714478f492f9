import { fileURLToPath } from "node:url";
import { spawnService } from "@leadline/embedded-mongo/spawn-service";
import { TestDialer, waitFor, type ApiProcess } from "@leadline/testkit";
import { benchLead, postBulk, rawLeadDocs, type BenchContext, type BenchDatabase } from "../bench-context.ts";

export interface ScaleOutResult {
  /** Bulk calls one account sent at once, half to each API, under the default budget. */
  budgetRequests: number;
  /**
   * Of those, how many were accepted: never more than the budget, which is per account, not
   * per process. The wire server can return a concurrent increment's post-image with later
   * increments already in it, so there a burst may get a little less than the budget.
   */
  budgetAccepted: number;
  budgetLimit: number;
  /** The same leads sent through both APIs at once: stored once, the rest reported skipped. */
  overlapLeads: number;
  overlapCreated: number;
  overlapSkipped: number;
  overlapStored: number;
  throughput: { leads: number; clients: number; oneApiLeadsPerSecond: number; twoApisLeadsPerSecond: number };
  /** twoApisLeadsPerSecond ÷ oneApiLeadsPerSecond, in the same run. */
  apiScaleOutRatio: number;
  dispatch: { leads: number; oneWorkerPerSecond: number; twoWorkersPerSecond: number; handedOffTwice: number };
  /** twoWorkersPerSecond ÷ oneWorkerPerSecond, in the same run. */
  workerScaleOutRatio: number;
}

const DIALER_SECRET = "bench-scale-out-secret-0123456789";
const DEFAULT_BULK_BUDGET = 10;
const dispatcherMain = fileURLToPath(new URL("../../../services/dispatcher/dist/main.node.js", import.meta.url));

/** Spends one account's budget from two API processes at once: exactly the budget must pass. */
async function spendBudgetAcrossApis(ctx: BenchContext, requests: number) {
  const db = await ctx.database("scale_budget");
  const apis = [await ctx.api(db, { limited: true }), await ctx.api(db, { limited: true })];
  const account = await ctx.seed(db);
  const statuses = await Promise.all(
    Array.from({ length: requests }, async (_, i) => {
      const response = await fetch(`${apis[i % 2]!.url}/api/v1/leads/bulk`, {
        method: "POST",
        headers: { "content-type": "application/json", "x-api-key": account.apiKey },
        body: JSON.stringify({ campaignId: account.campaignId, leads: [benchLead(i)] }),
      });
      await response.arrayBuffer();
      return response.status;
    }),
  );
  const unexpected = statuses.filter((status) => status !== 200 && status !== 429);
  if (unexpected.length > 0) throw new Error(`budget check answered ${unexpected.join(", ")}`);
  const accepted = statuses.filter((status) => status === 200).length;
  if (accepted > DEFAULT_BULK_BUDGET) throw new Error(`two APIs let ${accepted} bulk calls through a budget of 10`);
  return accepted;
}

/** Sends the same leads through both APIs at once, in 1000-lead requests. */
async function overlapAcrossApis(ctx: BenchContext, leads: number) {
  const db = await ctx.database("scale_overlap");
  const apis = [await ctx.api(db), await ctx.api(db)];
  const account = await ctx.seed(db);
  const answers = await Promise.all(
    apis.flatMap((api) =>
      Array.from({ length: Math.ceil(leads / 1000) }, (_, batch) => {
        const chunk = Array.from({ length: Math.min(1000, leads - batch * 1000) }, (_, i) =>
          benchLead(batch * 1000 + i),
        );
        return postBulk(api.url, account.apiKey, account.campaignId, chunk);
      }),
    ),
  );
  const stored = await db.repos.collections.leads.countDocuments({ campaignId: account.campaign._id });
  return {
    created: answers.reduce((sum, answer) => sum + answer.created, 0),
    skipped: answers.reduce((sum, answer) => sum + answer.skipped, 0),
    stored,
  };
}

/** `clients` accounts push `total` new leads through `apis`, each client pinned to one API. */
async function pushThrough(ctx: BenchContext, db: BenchDatabase, apis: ApiProcess[], clients: number, total: number) {
  const accounts = await Promise.all(Array.from({ length: clients }, () => ctx.seed(db)));
  let next = 0;
  const started = performance.now();
  await Promise.all(
    accounts.map(async (account, client) => {
      while (next < total) {
        const start = next;
        next += 1000;
        const chunk = Array.from({ length: Math.min(1000, total - start) }, (_, i) => benchLead(start + i));
        await postBulk(apis[client % apis.length]!.url, account.apiKey, account.campaignId, chunk);
      }
    }),
  );
  return total / ((performance.now() - started) / 1000);
}

/** Due leads over `campaigns` campaigns, handed off by `workers` built worker processes. */
async function dispatchWith(ctx: BenchContext, workers: number, leads: number, campaigns = 10) {
  const db = await ctx.database(`scale_dispatch_${workers}`);
  const perCampaign = Math.ceil(leads / campaigns);
  for (let c = 0; c < campaigns; c++) {
    const { campaign } = await ctx.seed(db);
    const chunk = Array.from({ length: perCampaign }, (_, i) => benchLead(c * perCampaign + i));
    await db.repos.collections.leads.insertMany(rawLeadDocs(campaign, chunk), { ordered: false });
  }
  const total = perCampaign * campaigns;
  const dialer = new TestDialer(DIALER_SECRET);
  await dialer.start();
  const processes = await Promise.all(
    Array.from({ length: workers }, (_, i) =>
      spawnService(
        `worker ${i}`,
        process.execPath,
        [dispatcherMain],
        {
          env: {
            ...process.env,
            MONGODB_URI: ctx.mongoUri,
            MONGODB_DB: db.dbName,
            DIALER_URL: dialer.url,
            DIALER_SECRET,
            DISPATCH_POLL_MS: "20",
            // Enough lines that each batch claim carries many leads: on the wire server every claim
            // scans the whole backlog, so a claim per two leads would measure the scan, not the workers.
            DISPATCH_CONCURRENCY: "16",
            WORKER_ID: `scale-${i}`,
            NODE_ENV: "production",
          },
        },
        (line) => (line.includes('"dispatcher started"') ? true : undefined),
      ),
    ),
  );
  try {
    const handedOff = () => new Set(dialer.calls.map((call) => call.body.leadId)).size;
    await waitFor("every lead handed off", () => handedOff() >= total, 600_000);
    // From the first hand-off to the last, so that process start-up is not counted.
    const calls = dialer.calls.map((call) => call.at);
    const perSecond = (calls.length - 1) / ((Math.max(...calls) - Math.min(...calls)) / 1000);
    return { total, perSecond, handedOffTwice: dialer.calls.length - handedOff() };
  } finally {
    await Promise.all(processes.map((service) => service.stop()));
    await dialer.stop();
  }
}

/**
 * Two API processes and two workers against one database: the per-account
 * budget, the duplicate rule and the leases must hold across processes, and
 * the throughput of two is measured against one in the same run.
 */
export async function runScaleOut(
  ctx: BenchContext,
  sizes: { budgetRequests: number; overlapLeads: number; throughputLeads: number; dispatchLeads: number },
): Promise<ScaleOutResult> {
  const budgetAccepted = await spendBudgetAcrossApis(ctx, sizes.budgetRequests);
  const overlap = await overlapAcrossApis(ctx, sizes.overlapLeads);

  const clients = 8;
  const oneDb = await ctx.database("scale_one_api");
  const oneApi = await pushThrough(ctx, oneDb, [await ctx.api(oneDb)], clients, sizes.throughputLeads);
  const twoDb = await ctx.database("scale_two_apis");
  const twoApis = await pushThrough(
    ctx,
    twoDb,
    [await ctx.api(twoDb), await ctx.api(twoDb)],
    clients,
    sizes.throughputLeads,
  );

  const oneWorker = await dispatchWith(ctx, 1, sizes.dispatchLeads);
  const twoWorkers = await dispatchWith(ctx, 2, sizes.dispatchLeads);

  return {
    budgetRequests: sizes.budgetRequests,
    budgetAccepted,
    budgetLimit: DEFAULT_BULK_BUDGET,
    overlapLeads: sizes.overlapLeads,
    overlapCreated: overlap.created,
    overlapSkipped: overlap.skipped,
    overlapStored: overlap.stored,
    throughput: {
      leads: sizes.throughputLeads,
      clients,
      oneApiLeadsPerSecond: oneApi,
      twoApisLeadsPerSecond: twoApis,
    },
    apiScaleOutRatio: twoApis / oneApi,
    dispatch: {
      leads: twoWorkers.total,
      oneWorkerPerSecond: oneWorker.perSecond,
      twoWorkersPerSecond: twoWorkers.perSecond,
      handedOffTwice: oneWorker.handedOffTwice + twoWorkers.handedOffTwice,
    },
    workerScaleOutRatio: twoWorkers.perSecond / oneWorker.perSecond,
  };
}
