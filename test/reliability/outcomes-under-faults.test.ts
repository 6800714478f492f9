import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ObjectId, seedAccount, type LeadDoc } from "@leadline/db";
import type { CallOutcome } from "@leadline/core";
import { TestDialer, testPhones, waitFor, type DialerCall } from "@leadline/testkit";
import { postBulk, useApiServer } from "../support/api-server.ts";
import { useTestDatabase } from "../support/database.ts";
import { newLead } from "../support/new-lead.ts";
import { rest } from "../support/rest.ts";
import { startWorkerProcess, type WorkerProcess, type WorkerRuntime } from "../support/worker-process.ts";

const SECRET = "outcome-fault-secret-0123456789";
const LEADS = 300;
const MAX_ATTEMPTS = 3;
/** Hand-offs the doomed worker completes before its dialer starts holding them and it is killed. */
const DOOMED_NORMAL_CALLS = 30;

/**
 * The outcome of a lead's `attempt`th call: a fixed mix, different from one attempt to the next,
 * so that leads retried after busy meet every outcome; every eleventh lead is always busy and
 * runs out of attempts.
 */
const MIX: CallOutcome[] = [
  "connected",
  "no_answer",
  "busy",
  "opted_out",
  "invalid_number",
  "busy",
  "connected",
  "no_answer",
  "busy",
  "opted_out",
];
const outcomeOf = (leadIndex: number, attempt: number): CallOutcome =>
  leadIndex % 11 === 0 ? "busy" : MIX[(leadIndex * 3 + attempt) % MIX.length]!;

type Answer = "applied" | "duplicate" | "stale_attempt" | "not_found";

interface SentReport {
  leadId: string;
  attempt: number;
  outcome: CallOutcome;
  kind: "first" | "replay" | "held-back" | "other-account";
  answer: Answer;
  answeredAt: number;
}

/** The state a lead must end in, given the outcome of the last report applied to it. */
function justifiedState(last: SentReport, numberSuppressed: boolean): LeadDoc["state"] {
  switch (last.outcome) {
    case "connected":
      return "completed";
    case "opted_out":
      return "suppressed";
    case "no_answer":
      return last.attempt >= MAX_ATTEMPTS ? "failed" : "pending";
    case "busy":
      // Busy is retried at once (0 minutes), so a lead can only rest after it when it ran out of
      // attempts or when the dispatcher found its number suppressed (a held-back opt-out).
      if (last.attempt >= MAX_ATTEMPTS) return "failed";
      return numberSuppressed ? "suppressed" : "pending";
    default:
      return "failed";
  }
}

describe.each<WorkerRuntime>(["node", "deno"])("call outcomes under faults, workers under %s", (runtime) => {
  const db = useTestDatabase(`outcome_faults_${runtime}`);
  const api = useApiServer(db, { BULK_RATE_LIMIT: "1000" });
  // Two dialers, so that the test knows which worker made a call: the doomed worker's dialer
  // starts holding its answers, and the worker is killed while they hang.
  const doomedDialer = new TestDialer(SECRET);
  const survivorDialer = new TestDialer(SECRET);
  const workers: WorkerProcess[] = [];

  beforeAll(() => Promise.all([doomedDialer.start(), survivorDialer.start()]));
  afterAll(async () => {
    await Promise.all(workers.map((worker) => worker.stop("SIGKILL")));
    await Promise.all([doomedDialer.stop(), survivorDialer.stop()]);
  });

  it(
    "leaves every lead in exactly the state its applied outcomes justify, through replays, reordering, other accounts' leads and a SIGKILLed worker",
    { timeout: 90_000 },
    async () => {
      const started = Date.now();
      const account = await seedAccount(db.repos);
      const accountId = new ObjectId(account.accountId);
      const campaignId = new ObjectId(account.campaignId);
      const dialerKey = (await db.repos.apiKeys.create({ accountId, name: "dialer", scopes: ["dialer"] })).key;
      const patched = await rest(api.url, account.apiKey, "PATCH", `/campaigns/${account.campaignId}`, {
        callingHours: null,
        maxAttempts: MAX_ATTEMPTS,
        retryPolicy: { busy: 0, no_answer: 60 },
      });
      expect(patched.status).toBe(200);
      const phones = testPhones(LEADS, 0, 415);
      const imported = await postBulk(api.url, account.apiKey, {
        campaignId: account.campaignId,
        leads: phones.map((phoneNumber) => ({ phoneNumber })),
      });
      expect(imported.body.data).toMatchObject({ created: LEADS, skipped: 0 });
      const leadIndex = new Map<string, number>(
        (imported.body.data.createdIds as string[]).map((id, index) => [id, index]),
      );

      // Another account's leads, in a paused campaign: reports for them must be not_found and change nothing.
      const stranger = await db.repos.accounts.create({ name: "stranger" });
      const strangerCampaign = await db.repos.campaigns.create({
        accountId: stranger._id,
        name: "stranger",
        status: "paused",
      });
      await db.repos.leads.insertSkippingDuplicates(
        strangerCampaign,
        testPhones(20, 0, 510).map((phone) => newLead(phone)),
      );
      const strangerLeadIds = (
        await db.repos.collections.leads.find({ campaignId: strangerCampaign._id }).toArray()
      ).map((lead) => lead._id.toHexString());

      const workerEnv = {
        MONGODB_URI: db.uri,
        MONGODB_DB: db.dbName,
        DIALER_SECRET: SECRET,
        DISPATCH_POLL_MS: "50",
        CAMPAIGN_REFRESH_MS: "100",
        DISPATCH_RETRY_BASE_MS: "200",
      };
      const heldBack = new Set<DialerCall>();
      doomedDialer.answer = () => ({ status: 200 });
      survivorDialer.answer = () => ({ status: 200 });
      // A short lease for the doomed worker, so that its leads come back soon after the kill; a long
      // one for the survivor, whose leases must not expire while it works.
      const doomed = await startWorkerProcess(runtime, {
        ...workerEnv,
        DIALER_URL: doomedDialer.url,
        DISPATCH_CONCURRENCY: "4",
        DISPATCH_LEASE_MS: "3000",
        DISPATCH_TIMEOUT_MS: "2900",
      });
      workers.push(doomed);
      const survivor = await startWorkerProcess(runtime, {
        ...workerEnv,
        DIALER_URL: survivorDialer.url,
        DISPATCH_CONCURRENCY: "4",
        DISPATCH_LEASE_MS: "60000",
      });
      workers.push(survivor);

      const sent: SentReport[] = [];
      const seen = new Set<DialerCall>();
      const appliedAttempt = new Map<string, number>();
      let strangerTurn = 0;

      const post = async (batch: Omit<SentReport, "answer" | "answeredAt">[]) => {
        if (batch.length === 0) return;
        const response = await rest(api.url, dialerKey, "POST", "/outcomes", {
          outcomes: batch.map(({ leadId, attempt, outcome }) => ({ leadId, attempt, outcome })),
        });
        expect(response.status).toBe(200);
        const answeredAt = Date.now();
        const ignored = new Map<number, Answer>(
          (response.body.data.ignored as { index: number; reason: Answer }[]).map((item) => [item.index, item.reason]),
        );
        batch.forEach((report, index) => {
          const answer = ignored.get(index) ?? "applied";
          sent.push({ ...report, answer, answeredAt });
          if (answer === "applied") {
            appliedAttempt.set(report.leadId, Math.max(appliedAttempt.get(report.leadId) ?? 0, report.attempt));
          }
        });
      };

      const seenKeys = new Set<string>();
      /** What each held-back report must be answered, as it stood when it was sent. */
      const heldBackExpected = new Map<string, Answer>();
      const allCalls = () => [...doomedDialer.calls, ...survivorDialer.calls];
      /**
       * The dialer's side: report each new hand-off, then send the whole batch again. Like a real
       * dialer it drops repeats by Idempotency-Key: a hand-off repeated after a crash is not called
       * (or reported) twice.
       */
      const reportNewCalls = async () => {
        const batch: Omit<SentReport, "answer" | "answeredAt">[] = [];
        for (const call of allCalls()) {
          if (seen.has(call)) continue;
          seen.add(call);
          const repeat = seenKeys.has(call.idempotencyKey);
          seenKeys.add(call.idempotencyKey);
          if (heldBack.has(call) || repeat) continue;
          const { leadId, attempt } = call.body;
          batch.push({ leadId, attempt, outcome: outcomeOf(leadIndex.get(leadId)!, attempt), kind: "first" });
        }
        // A held-back report (the call the killed worker made) goes once the survivor has handed the
        // lead off again: as a repeat of the same hand-off (same key, not reported), whose outcome
        // is this one, or as a newer attempt (the killed worker timed out first), whose outcome
        // outranks it.
        for (const call of heldBack) {
          const { leadId, attempt } = call.body;
          if (!survivorDialer.calls.some((later) => later.body.leadId === leadId && later.at > call.at)) continue;
          heldBack.delete(call);
          const overtaken = allCalls().some((other) => other.body.leadId === leadId && other.body.attempt > attempt);
          heldBackExpected.set(`${leadId}:${attempt}`, overtaken ? "stale_attempt" : "applied");
          batch.push({ leadId, attempt, outcome: outcomeOf(leadIndex.get(leadId)!, attempt), kind: "held-back" });
        }
        if (batch.length === 0) return;
        const strangerId = strangerLeadIds[strangerTurn++ % strangerLeadIds.length]!;
        batch.splice(batch.length >> 1, 0, {
          leadId: strangerId,
          attempt: 1,
          outcome: "opted_out",
          kind: "other-account",
        });
        await post(batch);
        await post(
          batch.map((report) => ({ ...report, kind: report.kind === "other-account" ? report.kind : "replay" })),
        );
      };

      // Let the doomed worker hand some leads over normally, then hold its dialer's answers and
      // kill it while its hand-offs hang: those leads come back after the lease, as the same attempt.
      await waitFor("the doomed worker's first hand-offs", async () => {
        await reportNewCalls();
        return doomedDialer.calls.length >= DOOMED_NORMAL_CALLS;
      });
      doomedDialer.answer = (call) => {
        heldBack.add(call);
        return { status: 200, delayMs: 30_000 };
      };
      await waitFor("two hand-offs hanging at the doomed worker", async () => {
        await reportNewCalls();
        return heldBack.size >= 2;
      });
      await doomed.stop("SIGKILL");
      workers.splice(workers.indexOf(doomed), 1);
      const killedHolding = [...heldBack].map((call) => call.body);

      const restingStates = { $in: ["completed", "suppressed", "failed"] as LeadDoc["state"][] };
      await waitFor(
        "every lead at rest and every hand-off reported",
        async () => {
          await reportNewCalls();
          const resting = await db.repos.collections.leads.countDocuments({
            campaignId,
            $or: [{ state: restingStates }, { state: "pending", lastOutcome: "no_answer" }],
          });
          return resting === LEADS && heldBack.size === 0;
        },
        60_000,
      );
      await survivor.stop();
      workers.splice(workers.indexOf(survivor), 1);
      await reportNewCalls();
      const seconds = (Date.now() - started) / 1000;

      const calls = [...doomedDialer.calls, ...survivorDialer.calls];
      // The kill happened with hand-offs in flight, and each of those leads was handed off again by
      // the survivor: the same hand-off with the same key, or (the killed worker timed out first) a later attempt.
      expect(killedHolding.length).toBeGreaterThanOrEqual(2);
      for (const held of killedHolding) {
        expect(
          survivorDialer.calls.some(
            (call) =>
              call.body.leadId === held.leadId &&
              (call.idempotencyKey === `${held.leadId}:${held.attempt}` || call.body.attempt > held.attempt),
          ),
        ).toBe(true);
      }

      // What the API answered, by kind of report.
      const firstAnswers = new Map(
        sent
          .filter((report) => report.kind === "first" || report.kind === "held-back")
          .map((report) => [`${report.leadId}:${report.attempt}`, report.answer]),
      );
      for (const report of sent) {
        if (report.kind === "other-account") expect(report.answer).toBe("not_found");
        if (report.kind === "held-back") {
          // The outcome of a hand-off that a crash made the survivor repeat applies; one overtaken by
          // a newer attempt is stale.
          expect(report.answer).toBe(heldBackExpected.get(`${report.leadId}:${report.attempt}`));
        }
        if (report.kind === "replay") {
          const first = firstAnswers.get(`${report.leadId}:${report.attempt}`);
          expect(report.answer).toBe(first === "applied" ? "duplicate" : first);
        }
        if (report.answer === "stale_attempt") {
          // Stale means a newer hand-off of the same lead exists.
          expect(calls.some((call) => call.body.leadId === report.leadId && call.body.attempt > report.attempt)).toBe(
            true,
          );
        }
      }
      expect(sent.filter((report) => report.kind === "held-back").length).toBe(killedHolding.length);

      const suppressedNumbers = new Set(
        (await db.repos.collections.suppressions.find({ accountId, campaignId: null }).toArray()).map(
          (entry) => entry.phoneNumber,
        ),
      );
      const stored = await db.repos.collections.leads.find({ campaignId }).toArray();
      expect(stored).toHaveLength(LEADS);
      const expectedCounts: Record<string, number> = {};
      for (const lead of stored) {
        const leadId = lead._id.toHexString();
        const applied = sent
          .filter((report) => report.leadId === leadId && report.answer === "applied")
          .sort((a, b) => a.attempt - b.attempt);
        // None lost: every lead was handed off and took at least one outcome, one per attempt at most.
        expect(applied.length, leadId).toBeGreaterThan(0);
        expect(new Set(applied.map((report) => report.attempt)).size).toBe(applied.length);
        const last = applied.at(-1)!;
        const optedOut = sent.some((report) => report.leadId === leadId && report.outcome === "opted_out");
        expect(optedOut, `${lead.phoneNumber} on the account's suppression list`).toBe(
          suppressedNumbers.has(lead.phoneNumber),
        );
        const state = justifiedState(last, optedOut);
        expectedCounts[state] = (expectedCounts[state] ?? 0) + 1;
        expect({ leadId, state: lead.state, lastOutcome: lead.lastOutcome }).toEqual({
          leadId,
          state,
          lastOutcome: last.outcome,
        });
        expect((lead.outcomes ?? []).map((entry) => entry.attempt)).toEqual(applied.map((report) => report.attempt));
        if (last.outcome === "opted_out") {
          // Never called again once the opt-out was acknowledged.
          expect(
            calls.filter((call) => call.body.phoneNumber === lead.phoneNumber && call.at > last.answeredAt),
          ).toEqual([]);
        }
      }
      // One state per lead, and the campaign's counts agree with what the reports justify.
      const counts = await db.repos.leads.countByState(campaignId);
      expect(Object.fromEntries(Object.entries(counts).filter(([, count]) => count > 0))).toEqual(expectedCounts);

      // The other account's leads: untouched.
      const strangers = await db.repos.collections.leads.find({ campaignId: strangerCampaign._id }).toArray();
      expect(strangers.every((lead) => lead.state === "pending" && lead.attempts === 0 && !lead.outcomes)).toBe(true);
      expect(await db.repos.collections.suppressions.countDocuments({ accountId: stranger._id })).toBe(0);

      const tally = (kind: SentReport["kind"] | Answer) =>
        sent.filter((report) => report.kind === kind || report.answer === kind).length;
      console.info(
        `outcome fault test (${runtime} workers): ${LEADS} leads, ${calls.length} hand-offs, ${killedHolding.length} held by the killed worker; ` +
          `${sent.length} reports: ${tally("applied")} applied, ${tally("duplicate")} duplicate, ${tally("stale_attempt")} stale_attempt, ` +
          `${tally("not_found")} not_found; states ${JSON.stringify(expectedCounts)}; ${seconds.toFixed(1)} s`,
      );
    },
  );
});
