import { describe, expect, it, vi } from "vitest";
import { createLeadlineClient } from "@leadline/client";
import * as core from "@leadline/core";
import { seedAccount } from "@leadline/db";
import { testPhones } from "@leadline/testkit";
import { postBulk, useApiServer } from "./support/api-server.ts";
import { useTestDatabase } from "./support/database.ts";

// What could break: the bulk procedure's input is the full schema with its `parse` swapped for the
// fast parser, and tRPC 11's getParseFn calls `.parse` before `parseAsync` or `~standard`. An
// upgrade that prefers another entry would bypass the fast parser silently: same answers, several
// times the CPU. The API here runs in this process, with the router's own import of the parser
// counted, so every request through REST and tRPC must be one call of it.
vi.mock("@leadline/core", async (importOriginal) => {
  const original = await importOriginal<typeof core>();
  return { ...original, parseBulkCreateInput: vi.fn(original.parseBulkCreateInput) };
});

const calls = () => vi.mocked(core.parseBulkCreateInput).mock.calls.length;

describe("the bulk procedure's input parser", () => {
  const db = useTestDatabase("bulk_fast_parser");
  const server = useApiServer(db);

  it("is the fast parser, called once per request through REST and through tRPC", async () => {
    const { apiKey, campaignId } = await seedAccount(db.repos);
    const [first, second, third] = testPhones(3, 0);
    const before = calls();

    const viaRest = await postBulk(server.url, apiKey, { campaignId, leads: [{ phoneNumber: first }] });
    expect(viaRest.status).toBe(200);
    expect(calls() - before).toBe(1);

    const client = createLeadlineClient({ url: server.url, apiKey });
    const viaTrpc = await client.leads.bulkCreate.mutate({ campaignId, leads: [{ phoneNumber: second! }] });
    expect(viaTrpc.data.created).toBe(1);
    expect(calls() - before).toBe(2);

    // A refused request is read by it too: its messages come from the same pass.
    const refused = await postBulk(server.url, apiKey, { campaignId, leads: [{ phoneNumber: third }], extra: 1 });
    expect(refused.status).toBe(400);
    expect(refused.body.error).toBe('Request body has unknown field "extra"');
    expect(calls() - before).toBe(3);
  });
});
