import { describe, expect, it } from "vitest";
import type { CampaignDoc } from "@leadline/db";
import { waitFor } from "@leadline/testkit";
import { useTestDatabase, type TestDatabase } from "../support/database.ts";
import { useDispatcherWorkers } from "../support/dispatcher-workers.ts";
import { newLead } from "../support/new-lead.ts";
import { closedPort } from "../support/closed-port.ts";
import type { WorkerRuntime } from "../support/worker-process.ts";

const STACK_TRACE =
  "Error: connect ECONNREFUSED 10.1.2.3:5432\n    at TCPConnectWrap.afterConnect (/srv/dialer/internal/db-pool.js:17:3)\n";

async function campaignWith(db: TestDatabase, phones: string[]): Promise<CampaignDoc> {
  const account = await db.repos.accounts.create({ name: "dialer errors" });
  const campaign = await db.repos.campaigns.create({ accountId: account._id, name: "errors", maxAttempts: 1 });
  await db.repos.leads.insertSkippingDuplicates(
    campaign,
    phones.map((phone) => newLead(phone)),
  );
  return campaign;
}

/** What a tenant sees of a failed lead: its `lastError` and its `lead.failed` webhook's `error`. */
async function seenByTenant(db: TestDatabase, campaign: CampaignDoc) {
  const leads = await db.repos.collections.leads.find({ campaignId: campaign._id }).toArray();
  return Promise.all(
    leads.map(async (lead) => {
      const event = await db.repos.collections.outboxEvents.findOne({ _id: `lead.failed:${lead._id.toHexString()}:1` });
      return { phone: lead.phoneNumber, state: lead.state, lastError: lead.lastError, event };
    }),
  );
}

/**
 * Issue 21, item 13 (the dispatcher's half): the dialer's error body, read without a bound, and
 * the network's raw error text reached tenants in `lastError` and lead webhooks, and a
 * DIALER_URL's password reached the log.
 */
describe.each<WorkerRuntime>(["node", "deno"])("dialer errors under %s", (runtime) => {
  const db = useTestDatabase(`dialer_errors_${runtime}`);
  const { dialer, start, stopAll } = useDispatcherWorkers(runtime, db, {
    DISPATCH_LEASE_MS: "61000",
    // Long enough that a worker reading an endless body to its end would still be at it when the test gives up.
    DISPATCH_TIMEOUT_MS: "60000",
  });

  it(
    "keeps lastError and the lead webhook generic for a 500 with a huge stack trace and for an endless body",
    { timeout: 60_000 },
    async () => {
      const [huge, endless, plain] = ["+13125550101", "+13125550102", "+13125550103"];
      const campaign = await campaignWith(db, [huge!, endless!, plain!]);
      dialer.answer = (call) => {
        if (call.body.phoneNumber === huge) return { status: 500, body: STACK_TRACE.repeat(40_000) };
        if (call.body.phoneNumber === endless) return { status: 503, body: STACK_TRACE, endless: true };
        return { status: 422, body: "phone number blocked by carrier rule 7 (internal id 99812)" };
      };
      const worker = await start({ DISPATCH_CONCURRENCY: "3" });
      await waitFor(
        "all three leads failed",
        async () => (await db.repos.leads.countByState(campaign._id)).failed === 3,
        30_000,
      );
      await stopAll();

      const seen = await seenByTenant(db, campaign);
      expect(seen.map(({ phone, state, lastError }) => ({ phone, state, lastError }))).toEqual(
        expect.arrayContaining([
          { phone: huge, state: "failed", lastError: "dialer answered HTTP 500" },
          { phone: endless, state: "failed", lastError: "dialer answered HTTP 503" },
          { phone: plain, state: "failed", lastError: "dialer answered HTTP 422" },
        ]),
      );
      await waitFor("the lead webhooks", async () => (await seenByTenant(db, campaign)).every(({ event }) => event));
      for (const { event, lastError } of await seenByTenant(db, campaign)) {
        expect((event!.payload as { lead: { error: string } }).lead.error).toBe(lastError);
      }
      // The detail is for the operator: a bounded excerpt in the worker's log.
      const failedLines = worker.logs.filter((line) => line.includes('"lead failed"'));
      expect(failedLines.some((line) => line.includes("db-pool.js"))).toBe(true);
      expect(Math.max(...failedLines.map((line) => line.length))).toBeLessThan(2_000);
    },
  );

  it(
    "says only 'dialer refused the connection' for a dead dialer, and never logs DIALER_URL's password",
    { timeout: 60_000 },
    async () => {
      const campaign = await campaignWith(db, ["+13125550201"]);
      const worker = await start({
        DIALER_URL: `http://leadline:s3cret-Pa55@127.0.0.1:${await closedPort()}/calls`,
        DISPATCH_TIMEOUT_MS: "2000",
        DISPATCH_LEASE_MS: "3000",
      });
      await waitFor("the lead failed", async () => (await db.repos.leads.countByState(campaign._id)).failed === 1);
      await stopAll();
      const [lead] = await seenByTenant(db, campaign);
      expect(lead).toMatchObject({ state: "failed", lastError: "dialer refused the connection" });
      expect(worker.logs.join("\n")).not.toContain("s3cret-Pa55");
      expect(worker.logs.find((line) => line.includes('"dispatcher started"'))).toContain("leadline:***@127.0.0.1");
    },
  );

  it("sends DIALER_URL's user info as Basic authorization, not in the URL", { timeout: 60_000 }, async () => {
    dialer.calls.length = 0;
    dialer.answer = () => ({ status: 200 });
    const campaign = await campaignWith(db, ["+13125550301"]);
    await start({ DIALER_URL: dialer.url.replace("http://", "http://leadline:s3cret%20Pa55@") });
    await waitFor("the hand-off", async () => (await db.repos.leads.countByState(campaign._id)).dispatched === 1);
    await stopAll();
    expect(dialer.calls.at(-1)!.headers.authorization).toBe(
      `Basic ${Buffer.from("leadline:s3cret Pa55").toString("base64")}`,
    );
  });
});
