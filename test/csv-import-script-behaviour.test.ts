import { afterEach, describe, expect, it } from "vitest";
import { execFile } from "node:child_process";
import { createServer, request, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { ObjectId, seedAccount } from "@leadline/db";
import { useApiServer } from "./support/api-server.ts";
import { useTestDatabase } from "./support/database.ts";

const script = fileURLToPath(new URL("../scripts/src/import-csv.ts", import.meta.url));
const repoRoot = fileURLToPath(new URL("../", import.meta.url));

interface ScriptRun {
  code: number;
  stdout: string;
  stderr: string;
  summary: any;
}

/** Runs `pnpm import:csv` as a user would, with `env` added to this process's. */
function importCsv(args: string[], env: Record<string, string> = {}): Promise<ScriptRun> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ["--import", "tsx", script, ...args],
      { cwd: repoRoot, env: { ...process.env, ...env } },
      (error, stdout, stderr) => {
        const last = stdout.trim().split("\n").at(-1) ?? "";
        let summary: unknown = null;
        try {
          summary = JSON.parse(last);
        } catch {
          // not --json: the assertions read stdout instead
        }
        resolve({ code: error ? ((error as { code?: number }).code ?? 1) : 0, stdout, stderr, summary });
      },
    );
  });
}

function csvFile(name: string, text: string): string {
  const file = path.join(mkdtempSync(path.join(tmpdir(), "leadline-csv-")), name);
  writeFileSync(file, text);
  return file;
}

/** An HTTP server of the test's own on a free port; `handle` sees every request with its arrival time. */
async function scriptedServer(handle: (req: IncomingMessage, res: ServerResponse, body: string) => void) {
  const server = createServer((req, res) => {
    let body = "";
    req.on("data", (chunk: Buffer) => (body += chunk.toString()));
    req.on("end", () => handle(req, res, body));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

const okBody = (count: number) =>
  JSON.stringify({
    success: true,
    data: {
      created: count,
      skipped: 0,
      createdIds: Array.from({ length: count }, (_, i) => `id${i}`),
      skippedPhones: [],
      suppressedPhones: [],
    },
    error: null,
  });

describe("pnpm import:csv: what it promises when the server misbehaves", () => {
  const servers: Server[] = [];
  afterEach(async () => {
    await Promise.all(servers.splice(0).map((server) => new Promise((resolve) => server.close(resolve))));
  });
  const file = () => csvFile("two.csv", "phone,name\n+15555550100,Ann\n+15555550101,Bob\n");

  it.each([
    { status: 429, retryAfter: 2, why: /rate limited/ },
    // An earlier attempt of the batch still runs under the same Idempotency-Key.
    { status: 409, retryAfter: 1, why: /an earlier attempt of this batch is still running/ },
  ])(
    "waits out a $status for as long as Retry-After says, then sends the batch again under the same key",
    { timeout: 30_000 },
    async ({ status, retryAfter, why }) => {
      const arrivals: { at: number; key: string }[] = [];
      const { server, url } = await scriptedServer((req, res) => {
        arrivals.push({ at: Date.now(), key: String(req.headers["idempotency-key"]) });
        if (arrivals.length === 1) {
          res.writeHead(status, { "Retry-After": String(retryAfter), "Content-Type": "application/json" });
          res.end(JSON.stringify({ success: false, data: null, error: "not now" }));
          return;
        }
        res.writeHead(200, { "Content-Type": "application/json" }).end(okBody(2));
      });
      servers.push(server);
      const run = await importCsv(["--file", file(), "--campaign", "c1", "--url", url, "--api-key", "k", "--json"]);
      expect(run.code).toBe(0);
      expect(run.summary).toMatchObject({ rows: 2, created: 2, failed: 0 });
      expect(arrivals).toHaveLength(2);
      expect(arrivals[1]!.at - arrivals[0]!.at).toBeGreaterThanOrEqual(retryAfter * 1000);
      expect(arrivals[1]!.key).toBe(arrivals[0]!.key);
      expect(run.stderr).toMatch(why);
    },
  );

  it("retries network errors, then exits 1 with the batch counted as failed", { timeout: 60_000 }, async () => {
    let attempts = 0;
    const { server, url } = await scriptedServer((req) => {
      attempts++;
      req.socket.destroy();
    });
    servers.push(server);
    const run = await importCsv([
      "--file",
      file(),
      "--campaign",
      "c1",
      "--url",
      url,
      "--api-key",
      "k",
      "--max-attempts",
      "3",
      "--json",
    ]);
    expect(run.code).toBe(1);
    expect(attempts).toBe(3);
    expect(run.summary).toMatchObject({ rows: 2, created: 0, failed: 2, failedBatches: 1 });
    expect(run.stderr).toMatch(/network error/);
  });
});

describe("pnpm import:csv against the real API", () => {
  const db = useTestDatabase("csv_script_behaviour");
  const api = useApiServer(db, { BULK_RATE_LIMIT: "1000" });
  const servers: Server[] = [];
  afterEach(async () => {
    await Promise.all(servers.splice(0).map((server) => new Promise((resolve) => server.close(resolve))));
  });

  it(
    "counts a batch whose answer was lost as created: the retry's Idempotency-Key gets the answer back",
    { timeout: 60_000 },
    async () => {
      const { apiKey, campaignId } = await seedAccount(db.repos);
      // A proxy that lets the first request reach the API but cuts the connection before the answer.
      let forwarded = 0;
      const { server, url } = await scriptedServer((req, res, body) => {
        const first = ++forwarded === 1;
        const upstream = request(`${api.url}${req.url}`, { method: req.method, headers: req.headers }, (answer) => {
          if (first) {
            answer.resume();
            answer.once("end", () => res.socket?.destroy());
            return;
          }
          res.writeHead(answer.statusCode ?? 500, answer.headers);
          answer.pipe(res);
        });
        upstream.end(body);
      });
      servers.push(server);
      const csv = csvFile(
        "lost.csv",
        "phoneNumber,externalId,scheduledFor\n+15555550200,E1,2030-01-02T09:00:00Z\n+15555550201,E2,\n",
      );
      const run = await importCsv(["--file", csv, "--campaign", campaignId, "--json"], {
        LEADLINE_URL: url,
        LEADLINE_API_KEY: apiKey,
      });
      expect(run.code).toBe(0);
      expect(forwarded).toBe(2);
      // The retry carries the batch's Idempotency-Key: it gets the lost answer back, not two skips.
      expect(run.summary).toMatchObject({ rows: 2, created: 2, skipped: 0, failed: 0 });
      const stored = await db.repos.collections.leads
        .find({ campaignId: new ObjectId(campaignId) })
        .sort({ _id: 1 })
        .toArray();
      expect(stored).toHaveLength(2);
      expect(stored[0]).toMatchObject({
        phoneNumber: "+15555550200",
        externalId: "E1",
        scheduledFor: new Date("2030-01-02T09:00:00Z"),
      });
      expect(stored[1]).toMatchObject({ phoneNumber: "+15555550201", externalId: "E2" });
    },
  );

  it(
    "sends --batch-size leads per request, writes the report files it is told to, and shows progress",
    { timeout: 60_000 },
    async () => {
      const { apiKey, campaignId } = await seedAccount(db.repos);
      let requests = 0;
      const { server, url } = await scriptedServer((req, res, body) => {
        requests++;
        const upstream = request(`${api.url}${req.url}`, { method: req.method, headers: req.headers }, (answer) => {
          res.writeHead(answer.statusCode ?? 500, answer.headers);
          answer.pipe(res);
        });
        upstream.end(body);
      });
      servers.push(server);
      const rows = ["phone,id,name,priority"];
      for (let i = 0; i < 20; i++) rows.push(`+1646555${String(1000 + i)},R${i},Lead ${i},${i}`);
      rows.push("+1646555, BAD1,Short,1", `+16465551000,DUP,Again,2`, "+16465559999,BAD2,Priority,high");
      const csv = csvFile("batches.csv", `${rows.join("\n")}\n`);
      const dir = path.dirname(csv);
      const run = await importCsv([
        "--file",
        csv,
        "--campaign",
        campaignId,
        "--url",
        url,
        "--api-key",
        apiKey,
        "--batch-size",
        "7",
        "--skipped-file",
        path.join(dir, "dupes.csv"),
        "--invalid-file",
        path.join(dir, "bad.csv"),
      ]);
      expect(run.code).toBe(0);
      // 21 valid rows in batches of 7.
      expect(requests).toBe(3);
      expect(run.stdout).toMatch(/created: +20\n/);
      expect(run.stdout).toMatch(/skipped: +1 +\(phones in .*dupes\.csv\)/);
      expect(run.stdout).toMatch(/invalid: +2 +\(lines in .*bad\.csv\)/);
      expect(run.stderr).toMatch(/^rows \d+ · created \d+ · skipped \d+ · invalid \d+ · failed 0 · \d+ leads\/s$/m);
      expect(readFileSync(path.join(dir, "dupes.csv"), "utf8")).toBe(
        "line,phoneNumber,reason\n23,+16465551000,duplicate\n",
      );
      const invalid = readFileSync(path.join(dir, "bad.csv"), "utf8").trim().split("\n");
      expect(invalid[0]).toBe("line,problem");
      expect(invalid[1]).toMatch(/^22,"?phoneNumber /);
      expect(invalid[2]).toMatch(/^24,"?priority must be an integer from 0 to 100, got ""high"""?$/);
      expect(await db.repos.leads.countByCampaign(new ObjectId(campaignId))).toBe(20);
    },
  );

  it("prints its usage with --help and exits 0", async () => {
    const run = await importCsv(["--help"]);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^Usage: pnpm import:csv --file leads.csv --campaign ID \[options\]/);
    expect(run.stdout).toContain("--skipped-file PATH");
  });
});
