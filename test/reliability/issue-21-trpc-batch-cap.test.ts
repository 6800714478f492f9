import { describe, expect, it } from "vitest";
import { parseApiConfig } from "@leadline/api-service";
import { COLLECTION_NAMES, ObjectId, seedAccount } from "@leadline/db";
import { testPhones } from "@leadline/testkit";
import { useApiServer } from "../support/api-server.ts";
import { useTestDatabase } from "../support/database.ts";

/** A tRPC batch of `leads.create` calls, one per phone number, as @trpc/client's httpBatchLink sends it. */
async function batchCreate(url: string, apiKey: string | undefined, campaignId: string, phones: string[]) {
  const path = phones.map(() => "leads.create").join(",");
  const body = Object.fromEntries(phones.map((phoneNumber, index) => [index, { campaignId, phoneNumber }]));
  const response = await fetch(`${url}/trpc/${path}?batch=1`, {
    method: "POST",
    headers: { "content-type": "application/json", ...(apiKey ? { "x-api-key": apiKey } : {}) },
    body: JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as any };
}

describe("issue 21: a tRPC batch holds at most TRPC_MAX_BATCH calls", () => {
  const db = useTestDatabase("issue21_batch_cap");
  const server = useApiServer(db);
  const storedIn = (campaignId: string) =>
    db.connection.db.collection(COLLECTION_NAMES.leads).countDocuments({ campaignId: new ObjectId(campaignId) });

  it("refuses a 21-call batch whole with a 400 naming the limit, and runs none of its calls", async () => {
    const { campaignId, apiKey } = await seedAccount(db.repos);
    const refused = await batchCreate(server.url, apiKey, campaignId, testPhones(21, 0));
    expect(refused.status).toBe(400);
    expect(refused.body.error.message).toBe("Maximum 20 calls per tRPC batch; this batch has 21");
    expect(refused.body.error.data).toMatchObject({ httpStatus: 400, errorCode: "VALIDATION_FAILED" });
    expect(await storedIn(campaignId)).toBe(0);

    // The same before authentication, and for queries: nothing of the batch is looked at.
    const queries = Array.from({ length: 500 }, () => "campaigns.stats").join(",");
    const unauthenticated = await fetch(`${server.url}/trpc/${queries}?batch=1`);
    expect(unauthenticated.status).toBe(400);
    expect(((await unauthenticated.json()) as any).error.message).toBe(
      "Maximum 20 calls per tRPC batch; this batch has 500",
    );
    // Commas written as %2C are still separate calls to tRPC, so they count too.
    const encoded = await fetch(`${server.url}/trpc/${Array(21).fill("campaigns.list").join("%2C")}?batch=1`, {
      headers: { "x-api-key": apiKey },
    });
    expect(encoded.status).toBe(400);
  });

  it("runs a 20-call batch", async () => {
    const { campaignId, apiKey } = await seedAccount(db.repos);
    const answered = await batchCreate(server.url, apiKey, campaignId, testPhones(20, 100));
    expect(answered.status).toBe(200);
    expect(answered.body).toHaveLength(20);
    expect(answered.body.every((call: any) => call.result.data.data.created === true)).toBe(true);
    expect(await storedIn(campaignId)).toBe(20);
  });

  it("takes TRPC_MAX_BATCH from 1 to 50 and refuses anything else, naming the variable", () => {
    expect(parseApiConfig({}).trpcMaxBatch).toBe(20);
    expect(parseApiConfig({ TRPC_MAX_BATCH: "50" }).trpcMaxBatch).toBe(50);
    expect(() => parseApiConfig({ TRPC_MAX_BATCH: "51" })).toThrow(/^invalid configuration: TRPC_MAX_BATCH: /);
    expect(() => parseApiConfig({ TRPC_MAX_BATCH: "0" })).toThrow(/^invalid configuration: TRPC_MAX_BATCH: /);
  });
});

describe("issue 21: TRPC_MAX_BATCH lowered", () => {
  const db = useTestDatabase("issue21_batch_cap_low");
  const server = useApiServer(db, { TRPC_MAX_BATCH: "2" });

  it("refuses a batch of 3 with the configured limit in the message", async () => {
    const { campaignId, apiKey } = await seedAccount(db.repos);
    const refused = await batchCreate(server.url, apiKey, campaignId, testPhones(3, 0));
    expect(refused.status).toBe(400);
    expect(refused.body.error.message).toBe("Maximum 2 calls per tRPC batch; this batch has 3");
    expect((await batchCreate(server.url, apiKey, campaignId, testPhones(2, 0))).status).toBe(200);
  });
});
