import { describe, expect, it } from "vitest";
import { seedAccount } from "@leadline/db";
import { useApiServer } from "../support/api-server.ts";
import { useTestDatabase } from "../support/database.ts";
import { scrape } from "../support/prometheus.ts";

const QUERIES = ["campaigns.list", "suppressions.list", "webhooks.list"];

/** The requests of round `i`: batches of known names in growing, shuffled, duplicated runs, unknown names, with and without a key. */
function requestsOf(i: number, apiKey: string): { path: string; init: RequestInit }[] {
  const run = Array.from({ length: 2 + (i % 19) }, (_, n) => QUERIES[(i + n * (1 + (i % 2))) % QUERIES.length]!);
  const keyed = { headers: { "x-api-key": apiKey } };
  const json = { "content-type": "application/json" };
  return [
    { path: `/trpc/${run.join(",")}?batch=1&i=${i}`, init: {} },
    { path: `/trpc/${run.join(",")}?batch=1`, init: keyed },
    { path: `/trpc/campaigns.list,made.up${i}?batch=1`, init: keyed },
    { path: `/trpc/made.up${i}`, init: {} },
    { path: `/trpc/made.up${i},campaigns.list?batch=1`, init: { method: "POST", headers: json, body: "{}" } },
    {
      path: `/trpc/${Array(21 + i)
        .fill("campaigns.list")
        .join(",")}?batch=1`,
      init: keyed,
    },
  ];
}

async function send(url: string, apiKey: string, rounds: number[]) {
  for (const i of rounds) {
    const answers = await Promise.all(
      requestsOf(i, apiKey).map(({ path, init }) => fetch(`${url}${path}`, init).then((response) => response.text())),
    );
    expect(answers).toHaveLength(6);
  }
}

/** Every sample line of the request metrics: one per series (a histogram's buckets included). */
const requestSeries = (text: string) => text.split("\n").filter((line) => line.startsWith("leadline_http_request"));

describe("issue 21: tRPC route labels come from a fixed set", () => {
  const db = useTestDatabase("issue21_route_labels");
  const server = useApiServer(db, { AUTH_FAILURE_LIMIT: "100000" });

  it("keeps the number of series constant over hundreds of distinct tRPC paths", { timeout: 60_000 }, async () => {
    const { apiKey } = await seedAccount(db.repos);
    await send(server.url, apiKey, [0, 1, 2, 3]);
    await scrape(`${server.url}/metrics`); // a scrape is counted after it answers: this one makes /metrics' own series
    const before = await scrape(`${server.url}/metrics`);
    await send(
      server.url,
      apiKey,
      Array.from({ length: 60 }, (_, n) => 4 + n),
    );
    const after = await scrape(`${server.url}/metrics`);

    // 360 more requests, none of their paths seen before, and not one more series.
    expect(requestSeries(after.text).length).toBe(requestSeries(before.text).length);
    const routes = new Set(after.families.get("leadline_http_requests_total")!.metrics.map((m: any) => m.labels.route));
    expect([...routes].sort()).toEqual(["/metrics", "/trpc", "/trpc (batch)"]);
    expect(after.value("leadline_http_requests_total", { route: "/trpc (batch)", method: "GET", status: "401" })).toBe(
      64,
    );
  });

  it("labels a single call of a known procedure by its name, and of an unknown one by the base path", async () => {
    const { apiKey } = await seedAccount(db.repos);
    const auth = { headers: { "x-api-key": apiKey } };
    expect((await fetch(`${server.url}/trpc/campaigns.list?input=%7B%7D`, auth)).status).toBe(200);
    const batchInput = encodeURIComponent(JSON.stringify({ 0: {} }));
    expect((await fetch(`${server.url}/trpc/campaigns.list?batch=1&input=${batchInput}`, auth)).status).toBe(200);
    await fetch(`${server.url}/trpc/toString`);
    const metrics = await scrape(`${server.url}/metrics`);
    expect(
      metrics.value("leadline_http_requests_total", { route: "/trpc/campaigns.list", method: "GET", status: "200" }),
    ).toBe(2);
    expect(metrics.text).not.toContain("toString");
  });
});
