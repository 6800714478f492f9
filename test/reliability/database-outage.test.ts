import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { execFile } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import type { RunningApi } from "@leadline/api-service";
import { ObjectId, seedAccount } from "@leadline/db";
import { testPhones, waitFor, type FaultProxy } from "@leadline/testkit";
import { postBulk } from "../support/api-server.ts";
import { useTestDatabase } from "../support/database.ts";
import { startApiBehindProxy } from "../support/proxied-api.ts";

const repoRoot = fileURLToPath(new URL("../../", import.meta.url));
const importScript = path.join(repoRoot, "scripts/src/import-csv.ts");
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe("the database goes away during a stream of bulk requests", () => {
  const db = useTestDatabase("outage");
  let proxy: FaultProxy;
  let api: RunningApi;

  beforeAll(async () => {
    ({ proxy, api } = await startApiBehindProxy(db, {
      BULK_RATE_LIMIT: "100000",
      MONGODB_SERVER_SELECTION_TIMEOUT_MS: "1500",
      API_KEY_CACHE_TTL_MS: "0",
    }));
  });
  afterAll(async () => {
    await api?.close();
    await proxy?.stop();
  });

  it(
    "answers 503 with Retry-After meanwhile, never a false 200, and recovers without a restart; a running CSV import finishes exactly once",
    { timeout: 120_000 },
    async () => {
      const { apiKey, campaignId } = await seedAccount(db.repos);

      const dir = mkdtempSync(path.join(tmpdir(), "leadline-outage-"));
      const file = path.join(dir, "leads.csv");
      const csvPhones = testPhones(20_000, 0, 917);
      writeFileSync(file, `phone,name\n${csvPhones.map((phone, i) => `${phone},Lead ${i}`).join("\n")}\n`);
      const importRun = new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
        execFile(
          process.execPath,
          [
            "--import",
            "tsx",
            importScript,
            "--file",
            file,
            "--campaign",
            campaignId,
            "--url",
            api.url,
            "--api-key",
            apiKey,
            "--batch-size",
            "50",
            "--max-attempts",
            "20",
            "--json",
          ],
          { cwd: repoRoot },
          (error, stdout, stderr) =>
            resolve({ code: error ? ((error as { code?: number }).code ?? 1) : 0, stdout, stderr }),
        );
      });

      // A caller of its own sends requests throughout and keeps what it was told.
      const outcomes: { status: number; leads: string[]; body: any; retryAfter: string | null }[] = [];
      let streaming = true;
      const stream = (async () => {
        for (let i = 0; streaming; i++) {
          const leads = testPhones(20, 100_000 + i * 20, 646);
          const response = await postBulk(api.url, apiKey, {
            campaignId,
            leads: leads.map((phoneNumber) => ({ phoneNumber })),
          }).catch((error: unknown) => ({ status: 0, body: String(error), headers: new Headers() }));
          outcomes.push({
            status: response.status,
            leads,
            body: response.body,
            retryAfter: response.headers.get("retry-after"),
          });
          await sleep(50);
        }
      })();

      await sleep(800);
      await proxy.cut();
      await waitFor("a 503 during the outage", () => outcomes.some((outcome) => outcome.status === 503), 20_000);
      const health = await fetch(`${api.url}/healthz`);
      expect(health.status).toBe(503);
      expect(await health.json()).toEqual({ status: "unavailable", database: "down" });
      await sleep(3000);
      await proxy.restore();
      await waitFor("healthy again", async () => (await fetch(`${api.url}/healthz`)).status === 200, 30_000);
      const recoveredAt = outcomes.length;
      await waitFor(
        "requests succeeding again",
        () => outcomes.slice(recoveredAt).some((outcome) => outcome.status === 200),
        30_000,
      );
      streaming = false;
      await stream;

      const failures = outcomes.filter((outcome) => outcome.status !== 200);
      expect(failures.length).toBeGreaterThan(0);
      for (const failure of failures) {
        expect(failure.status).toBe(503);
        expect(failure.body).toEqual({
          success: false,
          data: null,
          error: "The database is unavailable; retry the request shortly",
        });
        expect(Number(failure.retryAfter)).toBeGreaterThan(0);
      }
      // Every 200 is true: the ids it reported are stored.
      const stored = await db.repos.collections.leads
        .find({ campaignId: new ObjectId(campaignId) }, { projection: { _id: 1, phoneNumber: 1 } })
        .toArray();
      const storedIds = new Set(stored.map((lead) => lead._id.toHexString()));
      for (const success of outcomes.filter((outcome) => outcome.status === 200)) {
        for (const id of success.body.data.createdIds) expect(storedIds.has(id)).toBe(true);
      }
      // Retrying what failed stores each of those leads exactly once.
      for (const failure of failures) {
        const retry = await postBulk(api.url, apiKey, {
          campaignId,
          leads: failure.leads.map((phoneNumber) => ({ phoneNumber })),
        });
        expect(retry.status).toBe(200);
        expect(retry.body.data.created + retry.body.data.skipped).toBe(20);
      }

      const imported = await importRun;
      expect(imported.code).toBe(0);
      expect(JSON.parse(imported.stdout.trim().split("\n").at(-1)!)).toMatchObject({
        rows: 20_000,
        failed: 0,
        invalid: 0,
      });
      // It was still running when the database went away, and waited it out.
      expect(imported.stderr).toMatch(/waiting [\d.]+ s: server error \(The database is unavailable/);
      const after = await db.repos.collections.leads
        .find({ campaignId: new ObjectId(campaignId) }, { projection: { phoneNumber: 1 } })
        .toArray();
      const streamed = outcomes.flatMap((outcome) => outcome.leads);
      expect(after).toHaveLength(csvPhones.length + streamed.length);
      expect(new Set(after.map((lead) => lead.phoneNumber))).toEqual(new Set([...csvPhones, ...streamed]));
    },
  );
});
