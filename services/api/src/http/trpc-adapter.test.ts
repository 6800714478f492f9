import { describe, expect, it } from "vitest";
import type { ApiDeps } from "@leadline/api";
import { createTrpcHandler } from "./trpc-adapter.ts";

describe("the tRPC handler's batch limit", () => {
  it("is also tRPC's own: a batch the pre-check did not see is refused whole, before any call runs", async () => {
    const failures: unknown[] = [];
    // No dependencies at all: a call that ran would fail on them, not answer the batch limit.
    const handle = createTrpcHandler({} as ApiDeps, {
      maxBodyBytes: 1024,
      maxBatch: 2,
      onFailure: (error) => failures.push(error),
    });
    const batch = new Request("http://api.test/trpc/campaigns.list,campaigns.list,campaigns.list?batch=1");
    // The URL the pre-check reads names one call; tRPC reads the request's own.
    const scope = { requestId: "unit", clientAddress: "203.0.113.7", headers: new Headers(), route: "" };
    const result = await handle(batch, new URL("http://api.test/trpc/campaigns.list"), scope);

    if (!("response" in result)) throw new Error("refused by the pre-check, not by tRPC");
    expect(result.response.status).toBe(400);
    // One error for the whole request (the app's formatter words tRPC's own refusals generically).
    expect(await result.response.json()).toMatchObject({ error: { data: { code: "BAD_REQUEST", httpStatus: 400 } } });
    expect(failures).toHaveLength(1);
  });
});
