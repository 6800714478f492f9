import { describe, expect, it } from "vitest";
import { parseApiConfig } from "@leadline/api-service";
import { COLLECTION_NAMES, ObjectId, seedAccount } from "@leadline/db";
import { testPhones } from "@leadline/testkit";
import { postBulk, useApiServer } from "../support/api-server.ts";
import { useTestDatabase } from "../support/database.ts";

const EXCEEDED =
  /^Rate limit exceeded: 3 writes outside the bulk endpoint per 60 seconds; retry after \d+ seconds$/;

async function post(url: string, apiKey: string, path: string, body: unknown, headers: Record<string, string> = {}) {
  const response = await fetch(`${url}${path}`, {
    method: "POST",
    headers: { "x-api-key": apiKey, "content-type": "application/json", ...headers },
    body: JSON.stringify(body),
  });
  return { status: response.status, headers: response.headers, body: (await response.json()) as any };
}

describe("issue 21: writes outside the bulk endpoint have a per-account budget", () => {
  const db = useTestDatabase("issue21_write_budget");
  const server = useApiServer(db, { WRITE_RATE_LIMIT: "3", WRITE_RATE_WINDOW_SECONDS: "60" });
  const leadsIn = (campaignId: string) =>
    db.connection.db.collection(COLLECTION_NAMES.leads).countDocuments({ campaignId: new ObjectId(campaignId) });

  it("answers 429 with Retry-After over REST past WRITE_RATE_LIMIT, and stores nothing more", async () => {
    const { campaignId, apiKey } = await seedAccount(db.repos);
    const [a, b, c, d] = testPhones(4, 0);
    const createWithKey = () =>
      post(server.url, apiKey, "/api/v1/leads", { campaignId, phoneNumber: a }, { "Idempotency-Key": "k1" });
    const first = await createWithKey();
    expect(first.status).toBe(201);
    expect(first.headers.get("ratelimit-remaining")).toBe("2");
    for (const phoneNumber of [b, c]) {
      expect((await post(server.url, apiKey, "/api/v1/leads", { campaignId, phoneNumber })).status).toBe(201);
    }
    const refused = await post(server.url, apiKey, "/api/v1/leads", { campaignId, phoneNumber: d });
    expect(refused.status).toBe(429);
    expect(refused.body).toMatchObject({ success: false, data: null, error: expect.stringMatching(EXCEEDED) });
    expect(Number(refused.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
    expect(refused.headers.get("ratelimit-remaining")).toBe("0");
    expect(await leadsIn(campaignId)).toBe(3);

    // A replay of a stored answer does no work, so it spends no budget and is still served.
    const replayed = await createWithKey();
    expect(replayed.status).toBe(201);
    expect(replayed.headers.get("idempotent-replayed")).toBe("true");
    // The bulk endpoint keeps its own budget.
    expect((await postBulk(server.url, apiKey, { campaignId, leads: [{ phoneNumber: d }] })).status).toBe(200);
  });

  it("counts campaign creates and suppression changes in the same budget, over tRPC, calls of a batch one by one", async () => {
    const { campaignId, apiKey } = await seedAccount(db.repos);
    const [a, b] = testPhones(2, 50);
    const calls = [
      ["campaigns.create", { name: "budget" }],
      ["suppressions.add", { phoneNumbers: [a] }],
      ["suppressions.remove", { phoneNumbers: [a] }],
      ["leads.create", { campaignId, phoneNumber: b }],
    ] as const;
    const path = calls.map(([name]) => name).join(",");
    const body = Object.fromEntries(calls.map(([, input], index) => [index, input]));
    const batch = await post(server.url, apiKey, `/trpc/${path}?batch=1`, body);
    expect(batch.status).toBe(207);
    // tRPC runs a batch's calls concurrently: any three of them get the budget, the fourth is refused.
    const refusals = batch.body.filter((call: any) => "error" in call);
    expect(batch.body.filter((call: any) => "result" in call)).toHaveLength(3);
    expect(refusals).toHaveLength(1);
    expect(refusals[0].error.message).toMatch(EXCEEDED);
    expect(refusals[0].error.data.httpStatus).toBe(429);
    expect(batch.headers.get("retry-after")).not.toBeNull();

    const single = await post(server.url, apiKey, "/trpc/campaigns.create", { name: "one more" });
    expect(single.status).toBe(429);
    expect(single.body.error.message).toMatch(EXCEEDED);
    expect(Number(single.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
    expect(await db.connection.db.collection(COLLECTION_NAMES.campaigns).countDocuments({ name: "one more" })).toBe(0);
  });

  it.each([
    ["leads.delete", () => ({ leadId: new ObjectId().toHexString() })],
    ["leads.bulkDelete", (campaignId: string) => ({ campaignId, leadIds: [new ObjectId().toHexString()] })],
    ["campaigns.update", (campaignId: string) => ({ campaignId, name: "renamed" })],
    ["webhooks.create", () => ({ url: "https://hooks.example.com/leadline", events: ["import.completed"] })],
    ["webhooks.delete", () => ({ webhookId: new ObjectId().toHexString() })],
    ["imports.cancel", () => ({ importId: new ObjectId().toHexString() })],
  ])("charges %s, as it charges every mutation not exempt by name", async (procedure, input) => {
    const { campaignId, apiKey } = await seedAccount(db.repos);
    const call = () => post(server.url, apiKey, `/trpc/${procedure}`, input(campaignId));
    // Whatever each call answers (a miss is 404), it has spent its write.
    for (let i = 0; i < 3; i++) expect((await call()).status).not.toBe(429);
    const refused = await call();
    expect(refused.status).toBe(429);
    expect(refused.body.error.message).toMatch(EXCEEDED);
  });

  it("is generous by default: 600 writes per 60 seconds", () => {
    expect(parseApiConfig({}).limits).toMatchObject({ writePoints: 600, writeWindowSeconds: 60 });
    expect(() => parseApiConfig({ WRITE_RATE_LIMIT: "0" })).toThrow(/^invalid configuration: WRITE_RATE_LIMIT: /);
  });
});
