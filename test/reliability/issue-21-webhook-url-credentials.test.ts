import { describe, expect, it } from "vitest";
import { createLeadlineClient, leadlineErrorDetails } from "@leadline/client";
import { ObjectId, seedAccount } from "@leadline/db";
import { useApiServer } from "../support/api-server.ts";
import { useTestDatabase } from "../support/database.ts";
import { rest } from "../support/rest.ts";

const CREDENTIALS_REFUSED =
  "url must not contain a user name or password; put credentials in the path or query instead";

/**
 * Issue 21 follow-up: a webhook URL with `user:pass@` would be sent with
 * Basic auth by Node's transport and without it by Deno's, so the same
 * endpoint would work under one worker runtime and not the other. It is
 * refused at registration, on both paths, with nothing stored.
 */
describe("webhook URLs with credentials", () => {
  const db = useTestDatabase("issue21_webhook_url_credentials");
  const server = useApiServer(db);

  it("are refused with a 400 that says why, over REST and tRPC alike", async () => {
    const { apiKey, accountId } = await seedAccount(db.repos);
    for (const url of [
      "https://user:secret@hooks.example.com/leadline",
      "https://user@hooks.example.com/leadline",
      "https://:secret@hooks.example.com/leadline",
    ]) {
      const answer = await rest(server.url, apiKey, "POST", "/webhooks", { url, events: ["lead.failed"] });
      expect(answer.status, url).toBe(400);
      expect(answer.body).toMatchObject({ success: false, data: null, error: CREDENTIALS_REFUSED });

      const client = createLeadlineClient({ url: server.url, apiKey });
      const viaTrpc = await client.webhooks.create
        .mutate({ url, events: ["lead.failed"] })
        .then(() => undefined, leadlineErrorDetails);
      expect(viaTrpc, url).toMatchObject({ httpStatus: 400, message: CREDENTIALS_REFUSED });
    }
    expect(await db.repos.webhookEndpoints.list(new ObjectId(accountId))).toEqual([]);
  });
});
