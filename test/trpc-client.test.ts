import { describe, expect, it } from "vitest";
import { createLeadlineClient, leadlineErrorDetails } from "@leadline/client";
import { seedAccount } from "@leadline/db";
import { API_RUNTIMES, postBulk, useApiServer } from "./support/api-server.ts";
import { useTestDatabase } from "./support/database.ts";

async function failureOf(call: Promise<unknown>) {
  const error = await call.then(
    () => undefined,
    (thrown: unknown) => thrown,
  );
  expect(error, "the call should have failed").toBeDefined();
  return leadlineErrorDetails(error);
}

describe.each(API_RUNTIMES)("leads.bulkCreate over tRPC with @leadline/client (%s)", (runtime) => {
  const db = useTestDatabase(`trpc_client_${runtime}`);
  const server = useApiServer(db, {}, runtime);

  it("creates, then skips, exactly as REST does", async () => {
    const { apiKey, campaignId } = await seedAccount(db.repos);
    const client = createLeadlineClient({ url: server.url, apiKey });
    const leads = [
      { phoneNumber: "+1 555 555 1234", priority: 3 },
      { phoneNumber: "+15555551234" },
      { phoneNumber: "+15555559999", scheduledFor: "2030-01-01T09:00:00+02:00" },
    ];
    const first = await client.leads.bulkCreate.mutate({ campaignId, leads });
    expect(first).toMatchObject({
      success: true,
      error: null,
      data: { created: 2, skipped: 1, skippedPhones: ["+15555551234"] },
    });
    const viaRest = await postBulk(server.url, apiKey, { campaignId, leads });
    expect(viaRest.body.data).toEqual({
      created: 0,
      skipped: 3,
      createdIds: [],
      skippedPhones: ["+15555551234", "+15555551234", "+15555559999"],
      suppressedPhones: [],
    });
    const stored = await db.repos.collections.leads.findOne({ phoneNumber: "+15555559999" });
    expect(stored?.scheduledFor).toEqual(new Date("2030-01-01T07:00:00Z"));
  });

  it.each([
    [{ leads: [{ phoneNumber: "+15555551234" }] }, 400, "campaignId is required"],
    [{ campaignId: "C", leads: [] }, 400, "leads array cannot be empty"],
    [
      { campaignId: "C", leads: Array.from({ length: 1001 }, () => ({ phoneNumber: "+15555551234" })) },
      400,
      "Maximum 1000 leads per bulk request",
    ],
    [{ campaignId: "C", leads: [{ phoneNumber: "+15555551234" }, {}] }, 400, "leads[1].phoneNumber is required"],
    [
      { campaignId: "C", leads: [{ phoneNumber: "+15555551234", priority: 500 }] },
      400,
      "leads[0].priority must be an integer from 0 to 100",
    ],
    [{ campaignId: "6650c0ffee00000000000001", leads: [{ phoneNumber: "+15555551234" }] }, 404, "Campaign not found"],
  ])(
    "fails %j with the REST status and message",
    async (input: { campaignId?: string; leads: unknown[] }, status, message) => {
      const { apiKey, campaignId } = await seedAccount(db.repos);
      const body = { ...input, campaignId: input.campaignId === "C" ? campaignId : input.campaignId };
      const client = createLeadlineClient({ url: server.url, apiKey });
      const details = await failureOf(client.leads.bulkCreate.mutate(body as never));
      expect(details).toMatchObject({ httpStatus: status, message });
      const rest = await postBulk(server.url, apiKey, body);
      expect(rest.status).toBe(status);
      expect(rest.body.error).toBe(message);
    },
  );

  it("reports auth failures like REST: 401 and 403", async () => {
    const { readOnlyApiKey, campaignId } = await seedAccount(db.repos);
    const input = { campaignId, leads: [{ phoneNumber: "+15555551234" }] };
    expect(
      await failureOf(
        createLeadlineClient({ url: server.url, apiKey: "ll_live_wrong" }).leads.bulkCreate.mutate(input),
      ),
    ).toMatchObject({
      httpStatus: 401,
      code: "UNAUTHENTICATED",
      message: "Invalid API key",
    });
    expect(
      await failureOf(createLeadlineClient({ url: server.url, apiKey: readOnlyApiKey }).leads.bulkCreate.mutate(input)),
    ).toMatchObject({
      httpStatus: 403,
      code: "FORBIDDEN",
    });
  });
});
