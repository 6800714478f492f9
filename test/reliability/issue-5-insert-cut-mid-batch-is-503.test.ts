import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { NewLead } from "@leadline/core";
import { createRepositories, ObjectId, translateDatabaseError } from "@leadline/db";
import { connectThroughFaultProxy, testPhone, type ProxiedDatabase } from "@leadline/testkit";
import { inject } from "vitest";

// What broke: a connection lost during insertMany surfaced as a MongoBulkWriteError
// without write errors or a cause, which the API answered with 500 instead of 503.
describe("a database connection cut while leads are being inserted", () => {
  let database: ProxiedDatabase;

  beforeAll(async () => {
    database = await connectThroughFaultProxy(inject("mongoUri"), `cut_insert_${process.pid}`);
  });
  afterAll(() => database.close());

  it("is translated to a retryable 503, whatever shape the driver's error takes", async () => {
    const { proxy, connection } = database;
    const repos = createRepositories(connection.db);
    const accountId = new ObjectId();
    const campaign = await repos.campaigns.create({ accountId, name: "cut" });
    let next = 0;
    const batch = (): NewLead[] =>
      Array.from({ length: 500 }, () => ({
        phoneNumber: testPhone(next++, 646),
        externalId: undefined,
        metadata: undefined,
        scheduledFor: undefined,
        priority: 0,
      }));

    const errors: unknown[] = [];
    let running = true;
    const writers = Array.from({ length: 6 }, async () => {
      while (running)
        await repos.leads.insertSkippingDuplicates(campaign, batch()).catch((error: unknown) => errors.push(error));
    });
    for (let round = 0; round < 3; round++) {
      await new Promise((resolve) => setTimeout(resolve, 150));
      await proxy.cut();
      await new Promise((resolve) => setTimeout(resolve, 700));
      await proxy.restore();
    }
    running = false;
    await Promise.all(writers);

    expect(errors.length).toBeGreaterThan(0);
    for (const error of errors) expect(translateDatabaseError(error)?.code).toBe("SERVICE_UNAVAILABLE");
  });
});
