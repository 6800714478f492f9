import { describe, expect, it } from "vitest";
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import type { NewLead } from "@leadline/core";
import type { CampaignDoc } from "@leadline/db";
import { testPhones, waitFor } from "@leadline/testkit";
import { useTestDatabase, type TestDatabase } from "./support/database.ts";
import { useDispatcherWorkers } from "./support/dispatcher-workers.ts";
import type { WorkerProcess, WorkerRuntime } from "./support/worker-process.ts";

const SECRET = "test-dialer-secret-0123456789";
const dispatcherDir = fileURLToPath(new URL("../services/dispatcher/", import.meta.url));

const newLead = (phoneNumber: string): NewLead => ({
  phoneNumber,
  externalId: undefined,
  metadata: undefined,
  scheduledFor: undefined,
  priority: 0,
});

async function campaignWithLeads(db: TestDatabase, phones: string[]): Promise<CampaignDoc> {
  const account = await db.repos.accounts.create({ name: "promises" });
  const campaign = await db.repos.campaigns.create({ accountId: account._id, name: "promises", maxAttempts: 5 });
  await db.repos.leads.insertSkippingDuplicates(campaign, phones.map(newLead));
  return campaign;
}

/** What the README promises of the worker, under Node and Deno alike. */
describe.each<WorkerRuntime>(["node", "deno"])("the dispatcher worker's promises under %s", (runtime) => {
  const db = useTestDatabase(`dispatch_promises_${runtime}`);
  const { dialer, start: startWorker } = useDispatcherWorkers(runtime, db, {
    DISPATCH_RETRY_BASE_MS: "200",
    DISPATCH_RETRY_MAX_MS: "400",
    DISPATCH_TIMEOUT_MS: "500",
    DISPATCH_LEASE_MS: "60000",
    DISPATCH_CONCURRENCY: "1",
  });
  let worker: WorkerProcess | undefined;
  let area = 700;

  const start = async (env: Record<string, string> = {}) => {
    worker = await startWorker(env);
    return worker;
  };
  const leadOf = async (campaign: CampaignDoc) =>
    (await db.repos.collections.leads.find({ campaignId: campaign._id }).toArray())[0]!;

  it(
    "retries a hand-off that timed out, and one that met a network error, each attempt with its own key",
    { timeout: 60_000 },
    async () => {
      const timedOut = testPhones(1, 0, area++)[0]!;
      const cutOff = testPhones(1, 0, area++)[0]!;
      const campaign = await campaignWithLeads(db, [timedOut, cutOff]);
      const seen = new Map<string, number>();
      dialer.answer = (call) => {
        const attempt = (seen.get(call.body.phoneNumber) ?? 0) + 1;
        seen.set(call.body.phoneNumber, attempt);
        if (attempt > 1) return { status: 200 };
        // First attempts: one answer comes after the 500 ms timeout, the other connection is dropped.
        return call.body.phoneNumber === timedOut ? { status: 200, delayMs: 2_000 } : { status: 200, destroy: true };
      };
      await start();
      await waitFor(
        "both leads dispatched",
        async () => (await db.repos.leads.countByState(campaign._id)).dispatched === 2,
      );
      await worker!.stop();
      for (const phone of [timedOut, cutOff]) {
        const calls = dialer.calls.filter((call) => call.body.phoneNumber === phone);
        // A dropped connection can also fail a later request on the same pooled socket before the
        // dialer sees it, so the attempt numbers vary; what holds: retried, a new attempt with its
        // own key each time (the retry was recorded: it is a new hand-off), then delivered.
        const attempts = calls.map((call) => call.body.attempt);
        expect(attempts.length).toBeGreaterThanOrEqual(2);
        expect(attempts).toEqual([...new Set(attempts)].sort((a, b) => a - b));
        expect(calls.map((call) => call.idempotencyKey)).toEqual(
          attempts.map((attempt) => `${calls[0]!.body.leadId}:${attempt}`),
        );
        const lead = await db.repos.collections.leads.findOne({ campaignId: campaign._id, phoneNumber: phone });
        expect(lead).toMatchObject({ state: "dispatched", attempts: attempts.at(-1) });
      }
    },
  );

  it("waits until the date a Retry-After gives before trying again", { timeout: 60_000 }, async () => {
    const phone = testPhones(1, 0, area++)[0]!;
    const campaign = await campaignWithLeads(db, [phone]);
    let retryAt = 0;
    dialer.answer = (call) => {
      if (call.body.attempt > 1) return { status: 200 };
      // HTTP dates have whole seconds: at least two seconds from now.
      retryAt = (Math.floor(Date.now() / 1000) + 3) * 1000;
      return { status: 503, headers: { "Retry-After": new Date(retryAt).toUTCString() } };
    };
    await start();
    await waitFor("the lead dispatched", async () => (await leadOf(campaign)).state === "dispatched", 30_000);
    await worker!.stop();
    const calls = dialer.calls.filter((call) => call.body.phoneNumber === phone);
    expect(calls).toHaveLength(2);
    expect(calls[1]!.at).toBeGreaterThanOrEqual(retryAt);
  });

  it("stops calling a campaign paused while it runs", { timeout: 60_000 }, async () => {
    dialer.answer = () => ({ status: 200 });
    const paused = await campaignWithLeads(db, testPhones(1, 0, area++));
    await start();
    await waitFor("the first lead dispatched", async () => (await leadOf(paused)).state === "dispatched");
    await db.repos.campaigns.updateOwned(paused.accountId, paused._id.toHexString(), { status: "paused" });
    // A campaign created after the pause is seen only on a campaign refresh that also sees the pause.
    const later = await campaignWithLeads(db, testPhones(1, 0, area++));
    await waitFor("the later campaign's lead dispatched", async () => (await leadOf(later)).state === "dispatched");
    // Leads are claimed oldest first: were the paused campaign still callable, its lead would go before the sentinel.
    await db.repos.leads.insertSkippingDuplicates(paused, [newLead(testPhones(1, 1, area - 2)[0]!)]);
    await db.repos.leads.insertSkippingDuplicates(later, [newLead(testPhones(1, 1, area - 1)[0]!)]);
    await waitFor(
      "the sentinel dispatched",
      async () => (await db.repos.leads.countByState(later._id)).dispatched === 2,
    );
    await worker!.stop();
    expect(await db.repos.leads.countByState(paused._id)).toMatchObject({ dispatched: 1, pending: 1 });
  });

  it(
    "gives a hand-off's lease back when it outlasts SHUTDOWN_TIMEOUT_MS, and exits 0",
    { timeout: 60_000 },
    async () => {
      const campaign = await campaignWithLeads(db, testPhones(1, 0, area++));
      dialer.answer = () => ({ status: 200, delayMs: 30_000 });
      const running = await start({ SHUTDOWN_TIMEOUT_MS: "300", DISPATCH_TIMEOUT_MS: "20000" });
      await waitFor("the hand-off in flight", async () => (await leadOf(campaign)).state === "dispatching");
      expect(await running.stop("SIGTERM")).toBe(0);
      const lead = await leadOf(campaign);
      expect(lead).toMatchObject({ state: "pending", attempts: 0 });
      expect(lead.leaseOwner).toBeUndefined();
      expect(lead.nextAttemptAt.getTime()).toBeLessThanOrEqual(Date.now());
    },
  );

  it("finishes the hand-off in flight on SIGINT, then exits 0", { timeout: 60_000 }, async () => {
    const campaign = await campaignWithLeads(db, testPhones(1, 0, area++));
    dialer.answer = () => ({ status: 200, delayMs: 500 });
    const running = await start({ DISPATCH_TIMEOUT_MS: "10000" });
    await waitFor("the hand-off in flight", async () => (await leadOf(campaign)).state === "dispatching");
    expect(await running.stop("SIGINT")).toBe(0);
    expect(await leadOf(campaign)).toMatchObject({ state: "dispatched", attempts: 1 });
  });
});

describe("the dispatcher worker's configuration", () => {
  it.each([
    [{ DIALER_SECRET: "short" }, /DIALER_SECRET: must be at least 16 characters/],
    [
      { DISPATCH_LEASE_MS: "1000", DISPATCH_TIMEOUT_MS: "1000" },
      /DISPATCH_LEASE_MS: must be longer than DISPATCH_TIMEOUT_MS/,
    ],
  ])("refuses %j at start-up, naming the variable", (env, message) => {
    const result = spawnSync(process.execPath, ["--import", "tsx", "src/main.node.ts"], {
      cwd: dispatcherDir,
      env: {
        ...process.env,
        MONGODB_URI: "mongodb://127.0.0.1:9/never",
        DIALER_URL: "http://127.0.0.1:9/calls",
        DIALER_SECRET: SECRET,
        ...env,
      },
      encoding: "utf8",
      timeout: 30_000,
    });
    expect(result.status).not.toBe(0);
    expect(`${result.stdout}${result.stderr}`).toMatch(message);
  });
});
