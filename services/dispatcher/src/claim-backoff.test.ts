import { afterEach, describe, expect, it, vi } from "vitest";
import { ObjectId, type LeadDoc } from "@leadline/db/dispatch";
import { parseDispatcherConfig } from "./config.ts";
import { Dispatcher, type HandOffQueue } from "./dispatcher.ts";
import type { EligibleCampaigns } from "./eligible-campaigns.ts";
import type { WorkerLogger } from "./logger.ts";

const silent: WorkerLogger = { debug: () => {}, info: () => {}, warn: () => {}, error: () => {} };
const POLL_MS = 10;

/** A queue whose every claim hands out a lead and whose suppression check, or claim, always fails. */
function failingQueue(failing: "claim" | "suppression-check") {
  const counts = { claims: 0 };
  const lead = (): LeadDoc => {
    const now = new Date();
    const ids = { _id: new ObjectId(), accountId: new ObjectId(), campaignId: new ObjectId() };
    return {
      ...ids,
      phoneNumber: "+12125550100",
      priority: 0,
      state: "dispatching",
      attempts: 1,
      nextAttemptAt: now,
      createdAt: now,
      updatedAt: now,
    };
  };
  const fail = async (): Promise<never> => {
    throw new Error("database unavailable");
  };
  const queue = {
    claimBatch: async () => {
      counts.claims++;
      return failing === "claim" ? fail() : [lead()];
    },
    suppressionsOf: fail,
    resumeClaimed: async (claimed: LeadDoc) => claimed,
  } as Partial<HandOffQueue> as HandOffQueue;
  return { queue, counts };
}

const campaigns = {
  callableNow: async () => ({ campaigns: [], scope: { anyZone: [new ObjectId()], byZone: [] } }),
} as Partial<EligibleCampaigns> as EligibleCampaigns;

afterEach(() => vi.useRealTimers());

// The suppression check's failure slept twice the poll interval every time, never longer:
// a database down for a minute took thousands of claims. Every failure now backs off as a claim's does.
describe.each(["claim", "suppression-check"] as const)("a %s failing again and again", (failing) => {
  it("backs off longer each time, up to 30 s, through the shared back-off", async () => {
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout"] });
    const { queue, counts } = failingQueue(failing);
    const config = parseDispatcherConfig({
      MONGODB_URI: "mongodb://unused",
      DIALER_URL: "http://dialer.test/calls",
      DIALER_SECRET: "unit-test-secret-0123456789",
      DISPATCH_POLL_MS: String(POLL_MS),
    });
    const dispatcher = new Dispatcher(config, queue, campaigns, silent);
    dispatcher.start();
    await vi.advanceTimersByTimeAsync(120_000);
    const stop = dispatcher.stop();
    await vi.advanceTimersByTimeAsync(0);
    await stop;
    // Doubling from 20 ms reaches the 30 s cap after 11 failures; then about one claim each 15-30 s.
    expect(counts.claims).toBeGreaterThan(5);
    expect(counts.claims).toBeLessThan(25);
  });
});
