import { describe, expect, it } from "vitest";
import type { NewLead } from "@leadline/core";
import { seedAccount } from "@leadline/db";
import { waitFor, testPhones } from "@leadline/testkit";
import { API_RUNTIMES, postBulk, useApiServer } from "./support/api-server.ts";
import { useTestDatabase } from "./support/database.ts";
import { scrape } from "./support/prometheus.ts";
import { useDispatcherWorkers } from "./support/dispatcher-workers.ts";
import type { WorkerRuntime } from "./support/worker-process.ts";

const BULK = { route: "/api/v1/leads/bulk", method: "POST" };

describe.each(API_RUNTIMES)("API GET /metrics (%s)", (runtime) => {
  const db = useTestDatabase(`metrics_api_${runtime}`);
  const server = useApiServer(db, { AUTH_FAILURE_LIMIT: "2" }, runtime);

  it("counts bulk requests, leads by outcome and a rate-limit refusal, without keys or numbers", async () => {
    const { campaignId, apiKey } = await seedAccount(db.repos);
    const before = await scrape(`${server.url}/metrics`);
    const batches = [testPhones(4, 0), testPhones(4, 2), testPhones(6, 0)]; // 4 new; 2 new + 2 seen; 6 seen
    for (const batch of batches) {
      const response = await postBulk(server.url, apiKey, {
        campaignId,
        leads: batch.map((phoneNumber) => ({ phoneNumber })),
      });
      expect(response.status).toBe(200);
    }
    // Two failed authentications from this address, then its next bad key is refused.
    for (let i = 0; i < 2; i++) expect((await postBulk(server.url, "ll_live_guess", {})).status).toBe(401);
    expect((await postBulk(server.url, "ll_live_guess", {})).status).toBe(429);

    const after = await scrape(`${server.url}/metrics`);
    const delta = (name: string, labels?: Record<string, string>) =>
      after.value(name, labels) - before.value(name, labels);
    expect(delta("leadline_http_requests_total", { ...BULK, status: "200" })).toBe(3);
    expect(delta("leadline_http_requests_total", { ...BULK, status: "401" })).toBe(2);
    expect(delta("leadline_http_requests_total", { ...BULK, status: "429" })).toBe(1);
    expect(delta("leadline_http_request_duration_seconds", BULK)).toBe(6);
    expect(after.value("leadline_http_requests_total", { route: "/metrics", method: "GET", status: "200" })).toBe(
      before.value("leadline_http_requests_total", { route: "/metrics", method: "GET", status: "200" }) + 1,
    );
    expect(delta("leadline_leads_total", { outcome: "created" })).toBe(6);
    expect(delta("leadline_leads_total", { outcome: "duplicate" })).toBe(8);
    expect(delta("leadline_rate_limited_total", { route: BULK.route })).toBe(1);
    expect(after.families.get("leadline_database_unavailable_total")?.type).toBe("COUNTER");
    expect(after.families.get("leadline_http_request_duration_seconds")?.type).toBe("HISTOGRAM");

    for (const secret of [apiKey, campaignId, ...batches.flat()]) expect(after.text).not.toContain(secret);
  });

  it("is not an operation of the OpenAPI document", async () => {
    const document = await (await fetch(`${server.url}/api/v1/openapi.json`)).json();
    const paths = Object.keys(document.paths);
    expect(paths.filter((path) => /metrics|docs/.test(path))).toEqual([]);
  });
});

const newLead = (phoneNumber: string, priority = 0): NewLead => ({
  phoneNumber,
  externalId: undefined,
  metadata: undefined,
  scheduledFor: undefined,
  priority,
});

describe.each<WorkerRuntime>(["node", "deno"])("dispatcher GET /metrics under %s", (runtime) => {
  const db = useTestDatabase(`metrics_dispatch_${runtime}`);
  const { dialer, secret, start } = useDispatcherWorkers(runtime, db);

  it(
    "counts hand-offs by result (delivered equals leads delivered, suppressed numbers apart) and samples the due leads",
    { timeout: 60_000 },
    async () => {
      const account = await db.repos.accounts.create({ name: "metrics" });
      const campaign = await db.repos.campaigns.create({ accountId: account._id, name: "metrics", maxAttempts: 3 });
      const [first, rejected, retried, plain, optedOut] = testPhones(5, 0, 212);
      await db.repos.leads.insertSkippingDuplicates(campaign, [
        newLead(first!, 10),
        newLead(rejected!),
        newLead(retried!),
        newLead(plain!),
      ]);
      // The first hand-off is held, so the others wait due while the gauge is sampled.
      dialer.answer = () => ({ status: 200, delayMs: 1_500 });
      const worker = await start({
        DISPATCH_CONCURRENCY: "1",
        DISPATCH_RETRY_BASE_MS: "200",
        DISPATCH_LEASE_MS: "5000",
        DISPATCH_TIMEOUT_MS: "4000",
        METRICS_PORT: "0",
      });
      const logs = worker.logs;
      let port = 0;
      await waitFor("the metrics server", () => {
        const line = logs.find((entry) => entry.includes('"metrics listening"'));
        port = line ? JSON.parse(line).port : 0;
        return port > 0;
      });
      const metricsUrl = `http://127.0.0.1:${port}`;
      await waitFor("the first hand-off", () => dialer.calls.length === 1);
      const holding = await scrape(`${metricsUrl}/metrics`);
      expect(holding.value("leadline_dispatcher_due_leads")).toBe(3);
      // Added after the sample, so the due count above stays exact.
      await db.repos.suppressions.add({
        accountId: account._id,
        campaignId: null,
        phoneNumbers: [optedOut!],
        source: "api",
      });
      await db.repos.leads.insertSkippingDuplicates(campaign, [newLead(optedOut!)]);

      dialer.answer = (call) => {
        if (call.body.phoneNumber === rejected) return { status: 400 };
        if (call.body.phoneNumber === retried && call.body.attempt === 1) return { status: 503 };
        return { status: 200 };
      };
      const stateCount = (state: string) =>
        db.repos.collections.leads.countDocuments({ campaignId: campaign._id, state: state as never });
      await waitFor(
        "three leads delivered, one failed and one suppressed",
        async () =>
          (await stateCount("dispatched")) === 3 &&
          (await stateCount("failed")) === 1 &&
          (await stateCount("suppressed")) === 1,
      );

      const done = await scrape(`${metricsUrl}/metrics`);
      const handOffs = (result: string) => done.value("leadline_dispatcher_hand_offs_total", { result });
      expect(handOffs("delivered")).toBe(await stateCount("dispatched"));
      expect(handOffs("failed")).toBe(1);
      expect(handOffs("retried")).toBe(1);
      expect(handOffs("suppressed")).toBe(1);
      expect(handOffs("delivered") + handOffs("failed") + handOffs("retried")).toBe(dialer.calls.length);
      expect(done.value("leadline_dispatcher_hand_off_duration_seconds", { result: "delivered" })).toBe(3);
      expect(done.value("leadline_dispatcher_leases_released_total")).toBe(0);
      for (const hidden of [first!, campaign._id.toHexString(), secret]) expect(done.text).not.toContain(hidden);

      const health = await fetch(`${metricsUrl}/healthz`);
      expect(health.status).toBe(200);
      expect(await health.json()).toEqual({ status: "ok", database: "up" });
    },
  );
});
