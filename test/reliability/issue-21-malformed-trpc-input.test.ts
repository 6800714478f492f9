import { describe, expect, it } from "vitest";
import { seedAccount } from "@leadline/db";
import { useApiServer } from "../support/api-server.ts";
import { useTestDatabase } from "../support/database.ts";

const deepArray = (depth: number) => `${"[".repeat(depth)}${"]".repeat(depth)}`;

async function send(url: string, path: string, init: RequestInit) {
  const response = await fetch(`${url}${path}`, init);
  const text = await response.text();
  return { status: response.status, body: JSON.parse(text) as any };
}

/** The one error of a tRPC answer, whether it came as a single shape or a batch's array of them. */
const errorOf = (body: any) => (Array.isArray(body) ? body[0] : body).error;

describe("issue 21: malformed tRPC input is a 4xx, never a 500", () => {
  const db = useTestDatabase("issue21_malformed_trpc");
  const server = useApiServer(db);

  it("answers a malformed escape in the procedure path with a 4xx in tRPC's error shape", async () => {
    const text = { method: "POST", headers: { "content-type": "text/plain" }, body: "{}" };
    const json = { method: "POST", headers: { "content-type": "application/json" }, body: "{}" };
    const cases = [
      ["/trpc/%E0", text, 415],
      ["/trpc/%E0,%E1?batch=1", text, 415],
      ["/trpc/%E0", json, 400],
      ["/trpc/%E0", {}, 400],
    ] as const;
    for (const [path, init, status] of cases) {
      const answer = await send(server.url, path, init);
      expect({ path, status: answer.status }).toEqual({ path, status });
      expect(errorOf(answer.body).data.httpStatus).toBe(status);
      expect(errorOf(answer.body).message).not.toMatch(/URI malformed|Internal/i);
    }
  });

  it("refuses a 200,000-deep body with an Idempotency-Key before fingerprinting it, as REST does", async () => {
    const { campaignId, apiKey } = await seedAccount(db.repos);
    const headers = { "x-api-key": apiKey, "content-type": "application/json", "Idempotency-Key": "deep-1" };
    const deep = deepArray(200_000);
    const viaTrpc = await send(server.url, "/trpc/leads.create", { method: "POST", headers, body: deep });
    expect(viaTrpc.status).toBe(400);
    expect(viaTrpc.body.error.message).toBe("Request body nests deeper than 32 levels");
    expect(viaTrpc.body.error.data).toMatchObject({ httpStatus: 400, errorCode: "VALIDATION_FAILED" });

    const inBatch = await send(server.url, "/trpc/leads.create?batch=1", {
      method: "POST",
      headers,
      body: `{"0":${deep}}`,
    });
    expect(inBatch.status).toBe(400);
    expect(errorOf(inBatch.body).message).toBe("Request body nests deeper than 32 levels");

    const viaQuery = await send(server.url, `/trpc/campaigns.list?input=${deepArray(2_000)}`, {
      headers: { "x-api-key": apiKey },
    });
    expect(viaQuery.status).toBe(400);
    expect(viaQuery.body.error.message).toBe("Query input nests deeper than 32 levels");

    const viaRest = await send(server.url, "/api/v1/leads", { method: "POST", headers, body: deep });
    expect(viaRest).toEqual({
      status: 400,
      body: { success: false, data: null, error: "Request body nests deeper than 32 levels" },
    });

    // Nesting a body may use is still served: the depth counts brackets, not what is inside strings.
    const fine = await send(server.url, "/trpc/leads.create", {
      method: "POST",
      headers: { ...headers, "Idempotency-Key": "deep-2" },
      body: JSON.stringify({ campaignId, phoneNumber: "+15555550100", metadata: { note: deepArray(1000) } }),
    });
    expect(fine.status).toBe(200);
    expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
  });
});
