import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { connect } from "node:net";
import { ObjectId, seedAccount } from "@leadline/db";
import { FaultProxy, startApiProcess, testPhones, waitFor } from "@leadline/testkit";
import { postBulk } from "./support/api-server.ts";
import { useTestDatabase } from "./support/database.ts";

/** Whether a fresh TCP connection to the server is accepted (never a pooled one). */
function acceptsConnections(url: string): Promise<boolean> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve) => {
    const socket = connect(Number(port), hostname);
    socket.once("connect", () => {
      socket.destroy();
      resolve(true);
    });
    socket.once("error", () => resolve(false));
  });
}

describe("API shutdown on SIGTERM", () => {
  const db = useTestDatabase("api_shutdown");
  let proxy: FaultProxy;

  beforeAll(async () => {
    proxy = FaultProxy.forMongoUri(db.uri);
    await proxy.start();
  });
  afterAll(() => proxy?.stop());

  it("refuses new connections at once, finishes the request in flight, then exits 0", { timeout: 60_000 }, async () => {
    const { apiKey, campaignId } = await seedAccount(db.repos);
    const api = await startApiProcess({ MONGODB_URI: proxy.rewrite(db.uri), MONGODB_DB: db.dbName });
    const leads = testPhones(1000, 0, 404).map((phoneNumber) => ({ phoneNumber }));
    // The database's answer to the insert is held: the request is in flight for as long as the test says.
    const held = proxy.holdAnswerTo("insert");
    const inFlight = postBulk(api.url, apiKey, { campaignId, leads });
    await held.answered;

    const exited = api.stop("SIGTERM");
    await waitFor("new connections to be refused", async () => !(await acceptsConnections(api.url)), 10_000);
    expect(api.child.exitCode).toBeNull();
    await waitFor("the shutdown log line", () => api.logs.some((line) => line.includes('"msg":"shutting down')), 5_000);

    proxy.release();
    const response = await inFlight;
    expect(response.status).toBe(200);
    expect(response.body.data.created).toBe(1000);
    expect(await exited).toBe(0);
    expect(api.logs.join("\n")).toMatch(/"msg":"stopped"/);
    expect(await db.repos.leads.countByCampaign(new ObjectId(campaignId))).toBe(1000);
  });

  it("gives up on a request that outlasts SHUTDOWN_TIMEOUT_MS, and still exits 0", { timeout: 60_000 }, async () => {
    const { apiKey, campaignId } = await seedAccount(db.repos);
    const api = await startApiProcess({
      MONGODB_URI: proxy.rewrite(db.uri),
      MONGODB_DB: db.dbName,
      SHUTDOWN_TIMEOUT_MS: "500",
    });
    const held = proxy.holdAnswerTo("insert");
    const inFlight = postBulk(api.url, apiKey, { campaignId, leads: [{ phoneNumber: "+14045550100" }] }).then(
      (response) => response.status,
      () => "connection closed" as const,
    );
    await held.answered;
    // The answer stays held past the timeout: the server must close the connection and exit anyway.
    expect(await api.stop("SIGTERM")).toBe(0);
    expect(await inFlight).toBe("connection closed");
    proxy.release();
  });
});
