import { describe, expect, it } from "vitest";
import { request } from "node:http";
import { useApiServer } from "./support/api-server.ts";
import { useTestDatabase } from "./support/database.ts";

/** Sends `method` with node:http, which (unlike fetch) sends any method. */
function send(url: string, method: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method }, (res) => {
      let body = "";
      res.setEncoding("utf8");
      res.on("data", (chunk: string) => (body += chunk));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on("error", reject);
    req.end();
  });
}

// Schemathesis sent TRACE to a new path and the Node server's process died: the web Request
// constructor throws on TRACE, and it did so outside the request's promise chain.
describe("a method the web Request refuses (Node server)", () => {
  const db = useTestDatabase("trace_method");
  const server = useApiServer(db);

  it("answers TRACE with 405 in the envelope, and keeps serving", async () => {
    const traced = await send(`${server.url}/api/v1/suppressions/check`, "TRACE");
    expect(traced.status).toBe(405);
    expect(JSON.parse(traced.body)).toEqual({ success: false, data: null, error: "Method TRACE is not allowed" });
    expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
  });
});
