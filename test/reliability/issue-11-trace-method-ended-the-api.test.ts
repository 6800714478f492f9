import { describe, expect, it } from "vitest";
import { request } from "node:http";
import { useApiServer } from "../support/api-server.ts";
import { useTestDatabase } from "../support/database.ts";

function send(url: string, method: string): Promise<{ status: number; allow: string | undefined; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(`${url}/api/v1/leads`, { method }, (res) => {
      let body = "";
      res.on("data", (chunk) => (body += String(chunk)));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, allow: res.headers.allow, body }));
    });
    req.on("error", reject);
    req.end();
  });
}

/** Found by schemathesis: a TRACE request threw inside Node's request handler and ended the process. */
describe("a method fetch forbids (TRACE)", () => {
  const db = useTestDatabase("trace_method");
  const server = useApiServer(db);

  it("answers 405 with Allow, and the API keeps serving", async () => {
    for (const method of ["TRACE"]) {
      const answer = await send(server.url, method);
      expect(answer.status).toBe(405);
      expect(answer.allow).toBe("GET, HEAD, POST, PATCH, DELETE");
      expect(JSON.parse(answer.body)).toEqual({ success: false, data: null, error: `Method ${method} is not allowed` });
    }
    expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
  });
});
