import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { NewLead } from "@leadline/core";
import type { RunningApi } from "@leadline/api-service";
import { AppError } from "@leadline/core";
import { ObjectId, createRepositories, seedAccount } from "@leadline/db";
import { type FaultProxy, connectThroughFaultProxy, testPhones, waitFor, type ProxiedDatabase } from "@leadline/testkit";
import { MongoBulkWriteError } from "mongodb";
import { inject } from "vitest";
import { postBulk } from "../support/api-server.ts";
import { startApiBehindProxy } from "../support/proxied-api.ts";
import { useTestDatabase } from "../support/database.ts";

// What broke: a connection lost during insertMany surfaced as a MongoBulkWriteError
// without write errors or a cause, which the API answered with 500 instead of 503.
// The fault proxy holds the database's answer to the insert, then the connection is
// cut: the driver's error is exactly that shape, every time.

const newLeads = (phones: string[]): NewLead[] =>
  phones.map((phoneNumber) => ({
    phoneNumber,
    externalId: undefined,
    metadata: undefined,
    scheduledFor: undefined,
    priority: 0,
  }));

function causesOf(error: unknown): unknown[] {
  const chain: unknown[] = [];
  for (let current = (error as { cause?: unknown }).cause; current; current = (current as { cause?: unknown }).cause) {
    chain.push(current);
  }
  return chain;
}

describe("a database connection cut while leads are being inserted", () => {
  let database: ProxiedDatabase;

  beforeAll(async () => {
    database = await connectThroughFaultProxy(inject("mongoUri"), `cut_insert_${process.pid}`);
  });
  afterAll(() => database.close());

  it("surfaces as a bulk-write error with no write errors, translated to a retryable 503", async () => {
    const { proxy, connection } = database;
    const repos = createRepositories(connection.db);
    const campaign = await repos.campaigns.create({ accountId: new ObjectId(), name: "cut" });
    const held = proxy.holdAnswerTo("insert");
    const insert = repos.leads.insertSkippingDuplicates(campaign, newLeads(testPhones(500, 0, 646))).then(
      () => undefined,
      (error: unknown) => error,
    );
    await held.answered;
    await proxy.cut();
    const error = await insert;
    await proxy.restore();

    // The repository edge translates: the caller meets the retryable AppError, the driver's error is its cause.
    expect(error).toBeInstanceOf(AppError);
    expect(error).toMatchObject({
      code: "SERVICE_UNAVAILABLE",
      headers: { "Retry-After": expect.stringMatching(/^\d+$/) },
    });
    const bulkError = causesOf(error).find((cause) => cause instanceof MongoBulkWriteError);
    expect(bulkError).toBeInstanceOf(MongoBulkWriteError);
    expect((bulkError as MongoBulkWriteError).writeErrors).toEqual([]);
  });
});

describe("the same cut under a bulk request over HTTP", () => {
  const db = useTestDatabase("cut_insert_http");
  let proxy: FaultProxy;
  let api: RunningApi;

  beforeAll(async () => {
    ({ proxy, api } = await startApiBehindProxy(db, { MONGODB_SERVER_SELECTION_TIMEOUT_MS: "1000" }));
  });
  afterAll(async () => {
    await api?.close();
    await proxy?.stop();
  });

  it("answers 503 with Retry-After and the envelope, and the retry stores every lead once", async () => {
    const { apiKey, campaignId } = await seedAccount(db.repos);
    const leads = testPhones(500, 1000, 646).map((phoneNumber) => ({ phoneNumber }));
    const held = proxy.holdAnswerTo("insert");
    const cutMidInsert = postBulk(api.url, apiKey, { campaignId, leads });
    await held.answered;
    await proxy.cut();
    const response = await cutMidInsert;
    await proxy.restore();

    expect(response.status).toBe(503);
    expect(Number(response.headers.get("retry-after"))).toBeGreaterThan(0);
    expect(response.body).toEqual({
      success: false,
      data: null,
      error: "The database is unavailable; retry the request shortly",
    });
    // Once the service reports the database back, one retry gets a true answer.
    await waitFor("the database to be back", async () => (await fetch(`${api.url}/healthz`)).status === 200, 30_000);
    const retry = await postBulk(api.url, apiKey, { campaignId, leads });
    expect(retry.status).toBe(200);
    expect(retry.body.data.created + retry.body.data.skipped).toBe(500);
    expect(await db.repos.leads.countByCampaign(new ObjectId(campaignId))).toBe(500);
  });
});
