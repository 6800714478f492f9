import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import {
  ObjectId,
  type CampaignDoc,
  type BatchClaimRequest,
  type CampaignRepository,
  type LeadDoc,
  type SuppressionDoc,
} from "@leadline/db/dispatch";
import type { DispatcherConfig } from "./config.ts";
import { Dispatcher, type HandOffQueue } from "./dispatcher.ts";
import { EligibleCampaigns } from "./eligible-campaigns.ts";
import type { WorkerLogger } from "./logger.ts";

const silent: WorkerLogger = { debug: () => {}, info: () => {}, warn: () => {}, error: () => {} };

const config: DispatcherConfig = {
  mongoUri: "mongodb://unused",
  mongoDbName: undefined,
  dbCheck: { enabled: false },
  dialerUrl: "http://dialer.test/calls",
  dialerSecret: "unit-test-secret-0123456789",
  concurrency: 1,
  batchSize: 1,
  leaseMs: 60_000,
  handOffTimeoutMs: 5_000,
  pollMs: 10,
  retryBaseMs: 1_000,
  retryMaxMs: 60_000,
  campaignRefreshMs: 10,
  claimCampaigns: 500,
  maxTakeOvers: 5,
  shutdownTimeoutMs: 5_000,
  workerId: "unit-worker",
  logLevel: "silent",
  metricsPort: undefined,
  metricsHost: "127.0.0.1",
};

function campaignDoc(maxAttempts: number): CampaignDoc {
  const now = new Date();
  return {
    _id: new ObjectId(),
    accountId: new ObjectId(),
    name: "unit",
    status: "active",
    callingHours: null,
    maxAttempts,
    createdAt: now,
    updatedAt: now,
  };
}

function leadDoc(campaign: CampaignDoc, attempts = 0): LeadDoc {
  const now = new Date();
  return {
    _id: new ObjectId(),
    accountId: campaign.accountId,
    campaignId: campaign._id,
    phoneNumber: "+12125550100",
    priority: 0,
    state: "pending",
    attempts,
    nextAttemptAt: now,
    createdAt: now,
    updatedAt: now,
  };
}

/** The queue's transitions kept in memory, each one written down in `events`. */
class FakeQueue implements HandOffQueue {
  readonly events: string[] = [];
  retryAt: Date | undefined;
  /** Suppressed numbers, as the suppression collection would hold them. */
  readonly suppressed = new Map<string, SuppressionDoc>();

  constructor(readonly leads: LeadDoc[]) {}

  private claimOne({ workerId, scope, now }: BatchClaimRequest): LeadDoc | null {
    const campaignIds = [...scope.anyZone, ...scope.byZone.flatMap((group) => group.campaignIds)];
    const lead = this.leads.find(
      (candidate) =>
        candidate.state === "pending" &&
        candidate.nextAttemptAt <= now &&
        campaignIds.some((id) => id.equals(candidate.campaignId)),
    );
    if (!lead) return null;
    Object.assign(lead, { state: "dispatching", leaseOwner: workerId, attempts: lead.attempts + 1 });
    return { ...lead };
  }

  async claimBatch(request: BatchClaimRequest): Promise<LeadDoc[]> {
    const batch: LeadDoc[] = [];
    for (let lead; batch.length < request.limit && (lead = this.claimOne(request)); ) batch.push(lead);
    return batch;
  }

  /** Claims here never take over a dead worker's lease: the lead goes out as claimed. */
  async resumeClaimed(lead: LeadDoc): Promise<LeadDoc> {
    return lead;
  }

  async suppressionsOf(leads: readonly LeadDoc[]): Promise<Map<string, SuppressionDoc>> {
    const found = new Map<string, SuppressionDoc>();
    for (const lead of leads) {
      const entry = this.suppressed.get(lead.phoneNumber);
      if (entry) found.set(lead._id.toHexString(), entry);
    }
    return found;
  }

  async markManyDispatched(leadIds: ObjectId[]): Promise<number> {
    for (const id of leadIds) this.transition(id, "dispatched", "delivered");
    return leadIds.length;
  }

  async scheduleRetry(lead: LeadDoc, _workerId: string, _error: string, nextAttemptAt: Date): Promise<boolean> {
    this.retryAt = nextAttemptAt;
    this.transition(lead._id, "pending", "retry", { nextAttemptAt });
    return true;
  }

  async suppressionOf(lead: LeadDoc): Promise<SuppressionDoc | null> {
    return this.suppressed.get(lead.phoneNumber) ?? null;
  }

  async markSuppressed(lead: LeadDoc, _workerId: string, reason: string): Promise<boolean> {
    this.transition(lead._id, "suppressed", `suppressed (${reason})`);
    return true;
  }

  async markFailed(lead: LeadDoc): Promise<boolean> {
    this.transition(lead._id, "failed", "failed");
    return true;
  }

  async release(lead: LeadDoc): Promise<boolean> {
    const stored = this.leads.find((candidate) => candidate._id.equals(lead._id))!;
    this.transition(lead._id, "pending", "released", { attempts: stored.attempts - 1 });
    return true;
  }

  private transition(id: ObjectId, state: LeadDoc["state"], event: string, changes: Partial<LeadDoc> = {}): void {
    const lead = this.leads.find((candidate) => candidate._id.equals(id))!;
    Object.assign(lead, { state, ...changes });
    this.events.push(`${event} after attempt ${lead.attempts}`);
  }
}

/** A campaign store whose active list the test changes as it goes. */
function campaignStore(active: CampaignDoc[]) {
  const store = { active, reloads: 0 };
  const repo: Pick<CampaignRepository, "listActiveAmong"> = {
    listActiveAmong: async (ids) => store.active.filter((campaign) => ids.some((id) => id.equals(campaign._id))),
  };
  // Every campaign the test starts with has leads waiting, paused or not; the queue's claim decides which are due.
  const waiting = {
    campaignsWithWaitingLeads: async () => {
      store.reloads++;
      return active.map((campaign) => campaign._id);
    },
    zoneKeysOf: async () => [],
  };
  return { store, repo, waiting };
}

/** The batch size under test: 1 leases one lead per claim, more several. */
let batchSize = 1;

function startDispatcher(queue: FakeQueue, campaigns: CampaignDoc[], overrides: Partial<DispatcherConfig> = {}) {
  const settings = { ...config, batchSize, ...overrides };
  const { store, repo, waiting } = campaignStore(campaigns);
  const dispatcher = new Dispatcher(
    settings,
    queue,
    new EligibleCampaigns(repo, settings.campaignRefreshMs, waiting),
    silent,
  );
  dispatcher.start();
  return { dispatcher, store };
}

/** Answers every hand-off with `respond`, instead of a network call. */
function dialerAnswers(respond: (init: RequestInit | undefined) => Promise<Response> | Response) {
  const fetch = vi.fn((_url: string, init?: RequestInit) => Promise.resolve(respond(init)));
  vi.stubGlobal("fetch", fetch);
  return fetch;
}

describe.each([1, 8])("Dispatcher decisions, DISPATCH_BATCH_SIZE=%i", (size) => {
  beforeEach(() => {
    batchSize = size;
  });
  afterEach(() => {
    vi.unstubAllGlobals();
    vi.useRealTimers();
  });

  it("records a lead the dialer accepted as delivered", async () => {
    const campaign = campaignDoc(3);
    const queue = new FakeQueue([leadDoc(campaign)]);
    dialerAnswers(() => new Response("ok"));
    const { dispatcher } = startDispatcher(queue, [campaign]);
    await vi.waitFor(() => expect(queue.events).toEqual(["delivered after attempt 1"]));
    await dispatcher.stop();
    expect(dispatcher.stats).toEqual({ delivered: 1, retried: 0, failed: 0, suppressed: 0 });
  });

  it("never hands off a claimed lead whose number was suppressed after import; keeps the reason", async () => {
    const campaign = campaignDoc(3);
    const lead = leadDoc(campaign);
    const queue = new FakeQueue([lead]);
    queue.suppressed.set(lead.phoneNumber, {
      _id: new ObjectId(),
      accountId: campaign.accountId,
      campaignId: null,
      phoneNumber: lead.phoneNumber,
      reason: "asked on the phone",
      source: "api",
      createdAt: new Date(),
    });
    const fetch = dialerAnswers(() => new Response("ok"));
    const { dispatcher } = startDispatcher(queue, [campaign]);
    await vi.waitFor(() => expect(queue.events).toEqual(["suppressed (asked on the phone) after attempt 1"]));
    await dispatcher.stop();
    expect(fetch).not.toHaveBeenCalled();
    expect(dispatcher.stats).toEqual({ delivered: 0, retried: 0, failed: 0, suppressed: 1 });
  });

  it("retries a 503 before the last attempt, no sooner than Retry-After", async () => {
    const campaign = campaignDoc(3);
    const queue = new FakeQueue([leadDoc(campaign)]);
    dialerAnswers(() => new Response("busy", { status: 503, headers: { "retry-after": "120" } }));
    const before = Date.now();
    const { dispatcher } = startDispatcher(queue, [campaign]);
    await vi.waitFor(() => expect(queue.events).toEqual(["retry after attempt 1"]));
    await dispatcher.stop();
    expect(queue.retryAt!.getTime()).toBeGreaterThanOrEqual(before + 120_000);
  });

  it.each([
    ["the dialer rejects it (4xx), whatever attempts are left", 5, 0, 422, "failed after attempt 1"],
    ["its last attempt got a 503", 3, 2, 503, "failed after attempt 3"],
  ])("fails a lead when %s", async (_case, maxAttempts, attemptsBefore, status, event) => {
    const campaign = campaignDoc(maxAttempts);
    const queue = new FakeQueue([leadDoc(campaign, attemptsBefore)]);
    dialerAnswers(() => new Response("no", { status }));
    const { dispatcher } = startDispatcher(queue, [campaign]);
    await vi.waitFor(() => expect(queue.events).toEqual([event]));
    await dispatcher.stop();
    expect(dispatcher.stats.failed).toBe(1);
  });

  it("gives the lease back, attempt uncounted, when shutdown cuts a hand-off short", async () => {
    const campaign = campaignDoc(3);
    const queue = new FakeQueue([leadDoc(campaign)]);
    let handOffStarted = false;
    dialerAnswers(
      (init) =>
        new Promise<Response>((_resolve, reject) => {
          handOffStarted = true;
          init?.signal?.addEventListener("abort", () => reject(init.signal?.reason));
        }),
    );
    const { dispatcher } = startDispatcher(queue, [campaign], { shutdownTimeoutMs: 50 });
    await vi.waitFor(() => expect(handOffStarted).toBe(true));
    await dispatcher.stop();
    expect(queue.events).toEqual(["released after attempt 0"]);
    expect(queue.leads[0]).toMatchObject({ state: "pending", attempts: 0 });
  });

  it("issue 9: a campaign paused during a hand-off keeps its 503 retryable", async () => {
    const campaign = campaignDoc(3);
    const queue = new FakeQueue([leadDoc(campaign)]);
    const { dispatcher, store } = startDispatcher(queue, [campaign], { concurrency: 2 });
    dialerAnswers(async () => {
      // Paused through the API meanwhile: the other loop reloads the active campaigns without it.
      store.active = [];
      const reloads = store.reloads;
      await vi.waitFor(() => expect(store.reloads).toBeGreaterThan(reloads + 1));
      return new Response("busy", { status: 503 });
    });
    await vi.waitFor(() => expect(queue.events).toHaveLength(1));
    await dispatcher.stop();
    expect(queue.events).toEqual(["retry after attempt 1"]);
  });

  it("issue 9: stop leaves no shutdown timer behind to hold the process open", async () => {
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout"] });
    const queue = new FakeQueue([]);
    const { dispatcher } = startDispatcher(queue, [campaignDoc(3)], { shutdownTimeoutMs: 60_000 });
    await vi.advanceTimersByTimeAsync(1);
    await dispatcher.stop();
    expect(vi.getTimerCount()).toBe(0);
  });
});
