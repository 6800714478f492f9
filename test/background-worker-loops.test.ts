import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { ObjectId, seedAccount } from "@leadline/db";
import { testPhones, waitFor } from "@leadline/testkit";
import { useApiServer } from "./support/api-server.ts";
import { useTestDatabase } from "./support/database.ts";
import { getImport, uploadImport, waitForImportEnd } from "./support/imports.ts";
import { rest } from "./support/rest.ts";
import { useWorkersAndReceivers } from "./support/webhook-fixtures.ts";
import { WebhookReceiver } from "./support/webhook-receiver.ts";
import { startBackgroundWorkerProcess } from "./support/worker-process.ts";

const startedLine = (logs: string[]) =>
  JSON.parse(logs.find((line) => line.includes('"msg":"background worker started"'))!) as { loops: string[] };

describe("the background worker runs the loops BACKGROUND_LOOPS names", () => {
  const db = useTestDatabase("background_worker_loops");
  const server = useApiServer(db, { WEBHOOK_ALLOW_HOSTS: "127.0.0.1", WEBHOOK_ALLOW_PRIVATE: "true" });
  const { workers, receivers } = useWorkersAndReceivers();

  it("a webhooks-only worker delivers lead events and leaves import jobs to an imports worker", async () => {
    const { apiKey, accountId, campaignId } = await seedAccount(db.repos);
    const receiver = await WebhookReceiver.start(() => 200);
    receivers.push(receiver);
    const hook = await rest(server.url, apiKey, "POST", "/webhooks", {
      url: `${receiver.url}/leads`,
      events: ["lead.completed"],
    });
    expect(hook.status).toBe(201);
    await db.repos.outbox.enqueueEvent(
      new ObjectId(accountId),
      "lead.completed",
      { lead: { id: "lead-1" } },
      "lead.completed:lead-1:1",
    );
    const csv = `phone\n${testPhones(2).join("\n")}\n`;
    const upload = await uploadImport(server.url, apiKey, campaignId, csv);
    expect(upload.status).toBe(202);
    const importId = upload.body.data.id as string;

    const env = { MONGODB_URI: db.uri, MONGODB_DB: db.dbName, IMPORT_POLL_MS: "50", WEBHOOK_POLL_MS: "50" };
    const webhooksOnly = await startBackgroundWorkerProcess("node", {
      ...env,
      WEBHOOK_ALLOW_PRIVATE: "true",
      BACKGROUND_LOOPS: "webhooks",
    });
    workers.push(webhooksOnly);
    expect(startedLine(webhooksOnly.logs).loops).toEqual(["webhooks"]);
    await waitFor("the lead event to be delivered", () => receiver.received.some((r) => r.answer === 200));
    expect(JSON.parse(receiver.received[0]!.body)).toMatchObject({ type: "lead.completed" });
    // An imports loop claims a queued job first thing; this worker has none, so the job waits.
    expect((await getImport(server.url, apiKey, importId)).body.data.state).toBe("queued");

    const importsOnly = await startBackgroundWorkerProcess("node", { ...env, BACKGROUND_LOOPS: "imports" });
    workers.push(importsOnly);
    expect(startedLine(importsOnly.logs).loops).toEqual(["imports"]);
    expect(await waitForImportEnd(server.url, apiKey, importId)).toMatchObject({ state: "completed", created: 2 });
  });

  it("refuses to start on an unknown loop, naming the variable", async () => {
    await expect(
      startBackgroundWorkerProcess("node", {
        MONGODB_URI: db.uri,
        MONGODB_DB: db.dbName,
        BACKGROUND_LOOPS: "dispatch",
      }),
    ).rejects.toThrow(/BACKGROUND_LOOPS\.0: each loop must be one of imports, webhooks/);
  });

  it("keeps worker:imports as the old name of worker:background, and worker:webhooks runs the webhooks loop alone", () => {
    const { scripts } = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8")) as {
      scripts: Record<string, string>;
    };
    for (const suffix of ["", ":deno"]) {
      expect(scripts[`worker:imports${suffix}`]).toBe(scripts[`worker:background${suffix}`]);
      expect(scripts[`worker:webhooks${suffix}`]).toBe(
        `BACKGROUND_LOOPS=webhooks ${scripts[`worker:background${suffix}`]}`,
      );
    }
  });
});
