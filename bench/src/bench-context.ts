import { execFileSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import {
  connectMongo,
  ensureIndexes,
  ObjectId,
  seedAccount,
  toLeadDoc,
  type CampaignDoc,
  type MongoConnection,
  type SeededAccount,
} from "@leadline/db";
import { leadInputSchema } from "@leadline/core";
import { startTestDatabase } from "@leadline/embedded-mongo";
import {
  createTestRepositories,
  startApiProcess,
  testPhone,
  type ApiProcess,
  type TestRepositories,
} from "@leadline/testkit";

export interface BenchDatabase {
  dbName: string;
  connection: MongoConnection;
  repos: TestRepositories;
}

/**
 * The database server and everything started on it. What a suite starts (its databases and
 * API processes) is stopped and dropped by `endSuite`; the server, at the end.
 */
export class BenchContext {
  private readonly cleanups: (() => Promise<unknown>)[] = [];
  private suiteCleanups: (() => Promise<unknown>)[] = [];
  private counter = 0;

  private constructor(
    readonly mongoUri: string,
    readonly databaseKind: string,
    readonly log: (line: string) => void,
  ) {}

  static async start(log: (line: string) => void): Promise<BenchContext> {
    // The API is measured as users run it: built, then started by plain node.
    execFileSync(process.execPath, [fileURLToPath(new URL("../../scripts/build.mjs", import.meta.url)), "--if-stale"], {
      stdio: ["ignore", "ignore", "inherit"],
    });
    const given = process.env.MONGODB_URI;
    if (given) return new BenchContext(given, "MONGODB_URI", log);
    const server = await startTestDatabase({ warn: (message) => log(message) });
    const context = new BenchContext(server.uri, server.kind, log);
    context.cleanups.push(() => server.stop());
    return context;
  }

  /** A new database of its own, indexed like production. */
  async database(label: string): Promise<BenchDatabase> {
    const dbName = `bench_${label}_${process.pid}_${++this.counter}`;
    const connection = await connectMongo(this.mongoUri, { dbName, appName: "leadline-bench" });
    await ensureIndexes(connection.db);
    this.suiteCleanups.push(async () => {
      await connection.db.dropDatabase().catch(() => undefined);
      await connection.close();
    });
    return { dbName, connection, repos: createTestRepositories(connection.db) };
  }

  /**
   * An API process on `db` with the bulk limiter lifted, as a benchmark account needs: the
   * production build run by plain node, unless `fromSources` asks for the tsx one. `limited`
   * keeps the default bulk budget, for the checks that it holds.
   */
  async api(db: BenchDatabase, options: { fromSources?: boolean; limited?: boolean } = {}): Promise<ApiProcess> {
    const budget: Record<string, string> = options.limited ? {} : { BULK_RATE_LIMIT: "1000000000" };
    const api = await startApiProcess(
      { MONGODB_URI: this.mongoUri, MONGODB_DB: db.dbName, ...budget, LOG_LEVEL: "info" },
      { built: !options.fromSources },
    );
    this.suiteCleanups.push(() => api.stop());
    return api;
  }

  /** An account with keys and its campaign, the stored document included for raw inserts. */
  async seed(db: BenchDatabase): Promise<SeededAccount & { campaign: CampaignDoc }> {
    const account = await seedAccount(db.repos, { account: "bench", campaign: "bench" });
    const campaign = await db.repos.collections.campaigns.findOne({ _id: new ObjectId(account.campaignId) });
    if (!campaign) throw new Error("the seeded campaign is missing");
    return { ...account, campaign };
  }

  /**
   * Stops the suite's API processes and drops its databases. The wire server keeps every
   * database in its Java heap: a full run's suites left undropped fill it, and the later suites
   * then crawl through back-to-back full collections instead of measuring anything.
   */
  async endSuite(): Promise<void> {
    const cleanups = this.suiteCleanups.reverse();
    this.suiteCleanups = [];
    for (const cleanup of cleanups) await cleanup().catch(() => undefined);
  }

  async stop(): Promise<void> {
    await this.endSuite();
    for (const cleanup of this.cleanups.reverse()) await cleanup().catch(() => undefined);
  }
}

/** A lead shaped like the public docs' example, with a new phone. */
export function benchLead(index: number) {
  return {
    phoneNumber: testPhone(index, 201),
    externalId: `CRM_${index}`,
    metadata: { name: `Lead ${index}`, company: "Acme Corp" },
    priority: index % 101,
  };
}

/** A bulk request body, serialised ahead so that timing it measures the request alone. */
export const bulkBody = (campaignId: string, leads: unknown[]) => JSON.stringify({ campaignId, leads });

export async function postBulk(url: string, apiKey: string, campaignId: string, leads: unknown[] | string) {
  const response = await fetch(`${url}/api/v1/leads/bulk`, {
    method: "POST",
    headers: { "content-type": "application/json", "x-api-key": apiKey },
    body: typeof leads === "string" ? leads : bulkBody(campaignId, leads),
  });
  const body = (await response.json()) as { data: { created: number; skipped: number } | null; error: string | null };
  if (response.status !== 200 || !body.data) throw new Error(`bulk request failed: ${response.status} ${body.error}`);
  return body.data;
}

/** The documents the API would store for `leads`: what the raw-insert baselines insert. */
export function rawLeadDocs(campaign: CampaignDoc, leads: ReturnType<typeof benchLead>[]) {
  const now = new Date();
  return leads.map((lead) => toLeadDoc(campaign, leadInputSchema.parse(lead), now));
}

/**
 * `count` due leads stored raw, spread round-robin over `campaigns` campaigns of one seeded
 * account (the seeded campaign and `campaigns - 1` more); answers the seeded campaign.
 */
export async function seedDueLeads(
  ctx: BenchContext,
  db: BenchDatabase,
  count: number,
  campaigns = 1,
): Promise<CampaignDoc> {
  const { campaign: first } = await ctx.seed(db);
  const all: CampaignDoc[] = [first];
  for (let c = 1; c < campaigns; c++) {
    all.push(await db.repos.campaigns.create({ accountId: first.accountId, name: `bench ${c}`, callingHours: null }));
  }
  for (let start = 0; start < count; start += 1000) {
    const leads = Array.from({ length: Math.min(1000, count - start) }, (_, i) => benchLead(start + i));
    const docs = all.flatMap((campaign, c) =>
      rawLeadDocs(
        campaign,
        leads.filter((_, i) => (start + i) % campaigns === c),
      ),
    );
    await db.repos.collections.leads.insertMany(docs, { ordered: false });
  }
  return first;
}
