import { describe, expect, it } from "vitest";
import { request } from "node:http";
import { connect } from "node:net";
import { networkInterfaces } from "node:os";
import { waitFor } from "@leadline/testkit";
import { useTestDatabase } from "../support/database.ts";
import { useDispatcherWorkers } from "../support/dispatcher-workers.ts";
import type { WorkerRuntime } from "../support/worker-process.ts";

interface Answer {
  status: number;
  allow: string | undefined;
  contentType: string | undefined;
  body: string;
}

function send(url: string, method: string): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method }, (res) => {
      let body = "";
      res.setEncoding("utf8");
      res.on("data", (chunk: string) => (body += chunk));
      res.on("end", () =>
        resolve({
          status: res.statusCode ?? 0,
          allow: res.headers.allow,
          contentType: res.headers["content-type"],
          body,
        }),
      );
    });
    req.on("error", reject);
    req.end();
  });
}

/** Whether a TCP connection to host:port is accepted. */
function accepts(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    socket.once("connect", () => {
      socket.destroy();
      resolve(true);
    });
    socket.once("error", () => resolve(false));
  });
}

/** This machine's first address that is not loopback, where a server on every interface would answer. */
const externalAddress = Object.values(networkInterfaces())
  .flat()
  .find((address) => address && address.family === "IPv4" && !address.internal)?.address;

/**
 * Issue 21, item 6: a TRACE to the dispatcher's metrics port threw while the Node entry built a
 * Request from it, outside any catch, and the worker exited (a lead handed off but not yet
 * recorded was then handed off again). The port also listened on every interface.
 */
describe.each<WorkerRuntime>(["node", "deno"])("the dispatcher's metrics server under %s", (runtime) => {
  const db = useTestDatabase(`trace_dispatcher_${runtime}`);
  const { start } = useDispatcherWorkers(runtime, db);

  it(
    "answers TRACE and other methods 405, keeps serving, and listens on 127.0.0.1 only",
    { timeout: 60_000 },
    async () => {
      const worker = await start({ METRICS_PORT: "0" });
      let listening: { host: string; port: number } | undefined;
      await waitFor("the metrics server", () => {
        const line = worker.logs.find((entry) => entry.includes('"metrics listening"'));
        listening = line ? JSON.parse(line) : undefined;
        return listening !== undefined;
      });
      const { host, port } = listening!;
      const base = `http://127.0.0.1:${port}`;

      // One answer, whether the method could become a fetch Request (POST) or not (TRACE).
      for (const method of ["TRACE", "POST", "DELETE", "PROPFIND"]) {
        expect({ method, ...(await send(`${base}/metrics`, method)) }).toEqual({
          method,
          status: 405,
          allow: "GET, HEAD",
          contentType: "application/json; charset=utf-8",
          body: JSON.stringify({ error: "Use GET" }),
        });
      }
      expect(worker.child.exitCode).toBeNull();
      expect((await fetch(`${base}/healthz`)).status).toBe(200);
      expect((await fetch(`${base}/metrics`)).status).toBe(200);

      expect(host).toBe("127.0.0.1");
      expect(await accepts("127.0.0.1", port)).toBe(true);
      if (externalAddress) expect(await accepts(externalAddress, port)).toBe(false);
    },
  );
});
