import { describe, expect, it } from "vitest";
import type { CampaignDoc, ObjectId } from "@leadline/db";
import { useTestDatabase, type TestDatabase } from "./support/database.ts";
import { newLead } from "./support/new-lead.ts";
import { testPhones, waitFor, type DialerCall } from "@leadline/testkit";
import { useDispatcherWorkers } from "./support/dispatcher-workers.ts";
import type { WorkerRuntime } from "./support/worker-process.ts";

/** `count` due leads spread over `campaigns` campaigns of one account, with mixed priorities. */
async function seedCampaigns(db: TestDatabase, campaigns: number, count: number, areaCode: number) {
  const account = await db.repos.accounts.create({ name: "batch" });
  const created: CampaignDoc[] = [];
  for (let c = 0; c < campaigns; c++) {
    created.push(await db.repos.campaigns.create({ accountId: account._id, name: `batch ${c}` }));
  }
  const phones = testPhones(count, 0, areaCode);
  for (const [c, campaign] of created.entries()) {
    await db.repos.leads.insertSkippingDuplicates(
      campaign,
      phones.filter((_, i) => i % campaigns === c).map((phone, i) => newLead(phone, { priority: i % 10 })),
    );
  }
  const ids = (await db.repos.collections.leads.find({ accountId: account._id }).project({ _id: 1 }).toArray()).map(
    (lead) => (lead._id as ObjectId).toHexString(),
  );
  const dispatched = async () =>
    db.repos.collections.leads.countDocuments({ accountId: account._id, state: "dispatched" });
  return { ids, dispatched };
}

const byLead = (calls: DialerCall[]) => {
  const map = new Map<string, DialerCall[]>();
  for (const call of calls) map.set(call.body.leadId, [...(map.get(call.body.leadId) ?? []), call]);
  return map;
};

/** Signed, and keyed `<leadId>:<attempt>`: one Idempotency-Key per hand-off. */
const signedAndKeyed = (call: DialerCall) =>
  call.signatureValid && call.idempotencyKey === `${call.body.leadId}:${call.body.attempt}`;

/**
 * Batch claims (DISPATCH_BATCH_SIZE > 1) with several worker processes on one database:
 * every lead handed off, none twice while its lease is valid, under Node and Deno.
 */
describe.each<WorkerRuntime>(["node", "deno"])("batch claims under %s", (runtime) => {
  const db = useTestDatabase(`dispatch_batch_${runtime}`);
  const {
    dialer,
    workers,
    start: startWorker,
    stopAll: stopWorkers,
  } = useDispatcherWorkers(runtime, db, {
    DISPATCH_CONCURRENCY: "16",
    DISPATCH_BATCH_SIZE: "25",
    DISPATCH_LEASE_MS: "60000",
    DISPATCH_TIMEOUT_MS: "2000",
  });

  it("three workers hand 1,200 leads of 6 campaigns over, each exactly once", { timeout: 120_000 }, async () => {
    dialer.calls.length = 0;
    dialer.answer = () => ({ status: 200 });
    const { ids, dispatched } = await seedCampaigns(db, 6, 1_200, 646);
    // A long lease: no lease expires, so exactly once is what must hold.
    await Promise.all([startWorker(), startWorker(), startWorker()]);
    await waitFor("every lead dispatched", async () => (await dispatched()) === ids.length, 90_000);
    await stopWorkers();

    const leadIds = dialer.calls.map((call) => call.body.leadId);
    expect(leadIds).toHaveLength(ids.length);
    expect(new Set(leadIds)).toEqual(new Set(ids));
    expect(dialer.calls.every(signedAndKeyed)).toBe(true);
    // Attempt 1 even for a lead whose claim an overloaded server leased but never answered: it waits
    // out the lease and, nothing being recorded for it, is taken over as the same attempt.
    expect(dialer.calls.every((call) => call.body.attempt === 1)).toBe(true);
  });

  it(
    "one of three workers SIGKILLed mid-run: every lead handed off, none twice while its lease was valid",
    { timeout: 120_000 },
    async () => {
      dialer.calls.length = 0;
      const leaseMs = 8_000;
      // Slow enough that the doomed worker spends most of its time holding leases.
      dialer.answer = () => ({ status: 200, delayMs: 300 });
      const { ids, dispatched } = await seedCampaigns(db, 8, 2_000, 718);
      const env = { DISPATCH_LEASE_MS: String(leaseMs) };
      const [doomed] = await Promise.all([
        startWorker({ ...env, WORKER_ID: "doomed" }),
        startWorker(env),
        startWorker(env),
      ]);
      const leads = db.repos.collections.leads;
      const heldByDoomed = () => leads.find({ state: "dispatching", leaseOwner: "doomed" }).toArray();
      await waitFor("a quarter of the leads handed off", () => dialer.calls.length >= ids.length / 4, 60_000);
      // Killed while it holds leases, so that there is something to take over. A worker between
      // batches can hold none (its calls done, its next claim still at the database), so it is
      // frozen first and killed only once the database shows it holding leases while frozen.
      await waitFor(
        "the doomed worker frozen while holding leases",
        async () => {
          doomed!.child.kill("SIGSTOP");
          if ((await heldByDoomed()).length > 0) return true;
          doomed!.child.kill("SIGCONT");
          return false;
        },
        30_000,
      );
      await doomed!.stop("SIGKILL");
      const heldAtKill = await heldByDoomed();
      workers.splice(workers.indexOf(doomed!), 1);
      await waitFor("every lead dispatched", async () => (await dispatched()) === ids.length, 90_000);
      await stopWorkers();

      const calls = byLead(dialer.calls);
      // Every lead handed off, each hand-off keyed by lead and attempt, and nothing else.
      expect(new Set(calls.keys())).toEqual(new Set(ids));
      expect(dialer.calls.every(signedAndKeyed)).toBe(true);
      const repeats = [...calls.values()].filter((list) => list.length > 1);
      // The killed worker's leases: handed over again only once they had expired (the worker that
      // took one over read the clock at its claim, before its call), as the same hand-off: the same
      // attempt, so the same Idempotency-Key.
      expect(heldAtKill.length).toBeGreaterThanOrEqual(1);
      for (const lead of heldAtKill) {
        // The killed worker's own call may still have reached the dialer: take-overs come after the lease.
        const after = (calls.get(lead._id.toHexString()) ?? []).filter(
          (call) => call.at >= lead.leaseExpiresAt!.getTime(),
        );
        expect(after.length).toBeGreaterThanOrEqual(1);
        for (const call of after) expect(call.idempotencyKey).toBe(`${lead._id.toHexString()}:${lead.attempts}`);
      }
      // Any other lead handed off twice: only after a lease's length (a survivor's lease can run out
      // on a loaded machine, by design); the lease starts at the claim, a little before the call.
      const held = new Set(heldAtKill.map((lead) => lead._id.toHexString()));
      for (const list of repeats) {
        for (let i = 1; i < list.length; i++) {
          expect(list[i]!.body.attempt).toBe(list[i - 1]!.body.attempt);
          if (!held.has(list[0]!.body.leadId)) {
            expect(list[i]!.at - list[i - 1]!.at).toBeGreaterThanOrEqual(leaseMs - 1_000);
          }
        }
      }
      const gaps = repeats.flatMap((list) => list.slice(1).map((call, i) => call.at - list[i]!.at));
      console.info(
        `[${runtime}] ${ids.length} leads, ${dialer.calls.length} hand-offs, ${heldAtKill.length} leases held by the killed worker, ` +
          `${repeats.length} leads handed over again after the kill ` +
          `(shortest gap ${Math.min(...gaps)} ms, lease ${leaseMs} ms)`,
      );
      // A worker killed mid-run leaves at most its free lines' worth of leases behind.
      expect(repeats.length).toBeLessThanOrEqual(16 + 100);
    },
  );
});
