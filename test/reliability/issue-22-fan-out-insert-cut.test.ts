import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { inject } from "vitest";
import { COLLECTION_NAMES, createRepositories, ObjectId } from "@leadline/db";
import { connectThroughFaultProxy, type ProxiedDatabase } from "@leadline/testkit";

// What broke: the webhook fan-out took an unordered insert's bulk error as "only duplicates" when it
// listed no write errors at all, which is how a connection lost mid-insert arrives. The event was
// then marked fanned out although whether its deliveries were stored was unknown. Duplicate keys
// are now recognised in one place (database-errors.ts), which counts that error as an outage.

describe("a connection cut while a fan-out stores its deliveries", () => {
  let database: ProxiedDatabase;

  beforeAll(async () => {
    database = await connectThroughFaultProxy(inject("mongoUri"), `fan_out_cut_${process.pid}`);
  });
  afterAll(() => database.close());

  it("fails the fan-out and leaves the event to the next one, which plans its delivery once", async () => {
    const { proxy, connection } = database;
    const repos = createRepositories(connection.db);
    const accountId = new ObjectId();
    await repos.webhookEndpoints.create(
      accountId,
      { url: "https://hooks.example.com/a", events: ["lead.completed"], secret: "s" },
      10,
    );
    await repos.outbox.enqueueEvent(accountId, "lead.completed", { leadId: "l1" });

    const held = proxy.holdAnswerTo("insert");
    const fanOut = repos.webhookDeliveries.fanOut(10).then(
      (count) => ({ count }),
      (error: unknown) => ({ error }),
    );
    await held.answered;
    await proxy.cut();
    await proxy.restore();
    const cut = await fanOut;

    expect(cut).toMatchObject({ error: { code: "SERVICE_UNAVAILABLE" } });
    const events = await connection.db.collection(COLLECTION_NAMES.outboxEvents).find({ accountId }).toArray();
    expect(events.map((event) => event.fannedOutAt)).toEqual([undefined]);
    expect(await repos.webhookDeliveries.fanOut(10)).toBe(1);
    expect(await connection.db.collection(COLLECTION_NAMES.webhookDeliveries).countDocuments({ accountId })).toBe(1);
  });
});
