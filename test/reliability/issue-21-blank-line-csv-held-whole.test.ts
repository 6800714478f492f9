import { afterAll, describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import { seedAccount } from "@leadline/db";
import { useApiServer } from "../support/api-server.ts";
import { useTestDatabase } from "../support/database.ts";
import { waitForImportEnd } from "../support/imports.ts";
import { startBackgroundWorkerProcess, type WorkerProcess } from "../support/worker-process.ts";

const FILE_BYTES = 300_000_000;
const MIB = 1024 * 1024;

/** `phone\n` and then only line breaks, generated as it is sent: the test never holds the file. */
function blankLineCsv(bytes: number): ReadableStream<Uint8Array> {
  const header = new TextEncoder().encode("phone\n");
  const blanks = new Uint8Array(MIB).fill(0x0a);
  let sent = 0;
  return new ReadableStream({
    pull(controller) {
      if (sent === 0) {
        controller.enqueue(header);
        sent = header.length;
        return;
      }
      const size = Math.min(blanks.length, bytes - sent);
      if (size <= 0) return controller.close();
      controller.enqueue(size === blanks.length ? blanks : blanks.subarray(0, size));
      sent += size;
    },
  });
}

/** The process's peak resident set (VmHWM), in MiB, as the kernel counts it. */
function peakRssMib(pid: number): number {
  const line = readFileSync(`/proc/${pid}/status`, "utf8")
    .split("\n")
    .find((entry) => entry.startsWith("VmHWM:"));
  return Number(/(\d+)/.exec(line ?? "")?.[1]) / 1024;
}

describe("issue 21: a CSV of blank lines", () => {
  const db = useTestDatabase("issue21_blank_lines");
  // A 300 MB body takes longer than the default 30 s request timeout on a shared machine.
  const server = useApiServer(db, { REQUEST_TIMEOUT_MS: "600000" });
  let worker: WorkerProcess | undefined;
  afterAll(async () => {
    await worker?.stop();
  });

  it(
    "is read by the import worker without holding the file: peak RSS stays under 250 MiB on 300 MB",
    { timeout: 600_000 },
    async () => {
      const { apiKey, campaignId } = await seedAccount(db.repos);
      const upload = await fetch(`${server.url}/api/v1/campaigns/${campaignId}/imports`, {
        method: "POST",
        headers: { "x-api-key": apiKey, "content-type": "text/csv" },
        body: blankLineCsv(FILE_BYTES),
        duplex: "half",
      } as RequestInit);
      expect(upload.status).toBe(202);
      const { data } = (await upload.json()) as { data: { id: string; bytesTotal: number } };

      worker = await startBackgroundWorkerProcess("node", {
        MONGODB_URI: db.uri,
        MONGODB_DB: db.dbName,
        IMPORT_POLL_MS: "50",
      });
      const ended = await waitForImportEnd(server.url, apiKey, data.id, 540_000);
      const peak = peakRssMib(worker.child.pid!);
      console.info(`import worker peak RSS on ${FILE_BYTES} bytes of blank lines: ${peak.toFixed(1)} MiB`);

      expect(ended).toMatchObject({ state: "completed", rowsProcessed: 0, created: 0, error: null });
      expect(peak).toBeLessThan(250);
    },
  );
});
