import { describe, expect, it } from "vitest";
import { ObjectId, seedAccount } from "@leadline/db";
import { API_RUNTIMES, postBulk, useApiServer } from "./support/api-server.ts";
import { useTestDatabase } from "./support/database.ts";

const lead = { phoneNumber: "+15555551234" };

describe.each(API_RUNTIMES)(
  "POST /api/v1/leads/bulk: client mistakes get a 4xx that names the problem (%s)",
  (runtime) => {
    const db = useTestDatabase(`bad_input_${runtime}`);
    const server = useApiServer(
      db,
      { MAX_BODY_BYTES: String(256 * 1024), BULK_RATE_LIMIT: "1000", AUTH_FAILURE_LIMIT: "1000" },
      runtime,
    );

    it("takes application/json; charset=utf-8 as plain JSON", async () => {
      const { apiKey, campaignId } = await seedAccount(db.repos);
      const response = await postBulk(
        server.url,
        apiKey,
        { campaignId, leads: [lead] },
        { contentType: "application/json; charset=utf-8" },
      );
      expect(response.status).toBe(200);
      expect(response.body.data.created).toBe(1);
    });

    it.each([
      ["malformed JSON", { rawBody: '{"campaignId": "x", "leads": [' }, 400, /^Request body is not valid JSON/],
      ["an empty body", { rawBody: "" }, 400, /^Request body is empty/],
      ["a JSON array body", { rawBody: "[1,2]" }, 400, /^campaignId is required$/],
      ["text/plain", { contentType: "text/plain" }, 415, /^Unsupported Content-Type "text\/plain"/],
      [
        "form encoding",
        { contentType: "application/x-www-form-urlencoded" },
        415,
        /send Content-Type: application\/json/,
      ],
      ["a latin1 charset", { contentType: "application/json; charset=latin1" }, 415, /^Unsupported charset "latin1"/],
    ])("answers %s with %s", async (_case, options, status, message) => {
      const { apiKey, campaignId } = await seedAccount(db.repos);
      const response = await postBulk(server.url, apiKey, { campaignId, leads: [lead] }, options);
      expect(response.status).toBe(status);
      expect(response.body).toMatchObject({ success: false, data: null });
      expect(response.body.error).toMatch(message);
    });

    it("refuses a body over the limit with 413", async () => {
      const { apiKey, campaignId } = await seedAccount(db.repos);
      const leads = Array.from({ length: 100 }, () => ({ ...lead, metadata: { note: "x".repeat(4000) } }));
      const response = await postBulk(server.url, apiKey, { campaignId, leads });
      expect(response.status).toBe(413);
      expect(response.body.error).toMatch(/^Request body is larger than 262144 bytes/);
      expect(await db.repos.leads.countByCampaign(new ObjectId(campaignId))).toBe(0);
    });

    it.each([
      ["a lead that is not an object", ["+15555551234"], "leads[0] must be an object"],
      [
        "a bad scheduledFor",
        [{ ...lead, scheduledFor: "next tuesday" }],
        "leads[0].scheduledFor must be an ISO 8601 timestamp with a time zone, e.g. 2024-12-25T09:00:00Z",
      ],
      ["priority above 100", [{ ...lead, priority: 101 }], "leads[0].priority must be an integer from 0 to 100"],
      ["priority as a string", [{ ...lead, priority: "10" }], "leads[0].priority must be an integer from 0 to 100"],
      ["metadata that is a string", [{ ...lead, metadata: "vip" }], "leads[0].metadata must be a JSON object"],
      [
        "a $ key in metadata",
        [{ ...lead, metadata: { $gt: "" } }],
        'leads[0].metadata key "$gt" must not start with $',
      ],
      [
        "a dotted key in metadata",
        [{ ...lead, metadata: { "a.b": 1 } }],
        'leads[0].metadata key "a.b" must not contain a dot',
      ],
      [
        "metadata too deep",
        [{ ...lead, metadata: { a: { b: { c: { d: { e: { f: {} } } } } } } }],
        "leads[0].metadata must not nest deeper than 5 levels",
      ],
      [
        "metadata too large",
        [{ ...lead, metadata: { note: "x".repeat(9000) } }],
        "leads[0].metadata must be at most 8192 bytes",
      ],
      [
        "metadata with more than 200 keys",
        [{ ...lead, metadata: Object.fromEntries(Array.from({ length: 201 }, (_, i) => [`k${i}`, 1])) }],
        "leads[0].metadata must have at most 200 keys",
      ],
      [
        "a NUL in a metadata key",
        [{ ...lead, metadata: { "a\u0000b": 1 } }],
        "leads[0].metadata keys must not contain NUL characters",
      ],
      [
        "an externalId over 256 characters",
        [{ ...lead, externalId: "x".repeat(257) }],
        "leads[0].externalId must be at most 256 characters",
      ],
      [
        "a phone without country code",
        [{ phoneNumber: "555-555-1234" }],
        "leads[0].phoneNumber must be in international format starting with + and a country code, e.g. +15555551234",
      ],
      [
        "an impossible phone",
        [lead, { phoneNumber: "+1555" }],
        "leads[1].phoneNumber must be a valid E.164 phone number",
      ],
      [
        "an unknown lead field",
        [{ ...lead, name: "John" }],
        'leads[0] has unknown field "name"; put custom data in metadata',
      ],
    ])("answers %s with 400", async (_case, leads, message) => {
      const { apiKey, campaignId } = await seedAccount(db.repos);
      const response = await postBulk(server.url, apiKey, { campaignId, leads });
      expect(response.status).toBe(400);
      expect(response.body).toMatchObject({ success: false, data: null, error: message });
      expect(response.body.issues[0]).toEqual({ path: message.split(" ")[0], message });
    });

    it("refuses unknown top-level fields rather than dropping them", async () => {
      const { apiKey, campaignId } = await seedAccount(db.repos);
      const response = await postBulk(server.url, apiKey, { campaignId, leads: [lead], campaign: "typo" });
      expect(response.status).toBe(400);
      expect(response.body).toMatchObject({
        success: false,
        data: null,
        error: 'Request body has unknown field "campaign"',
      });
      expect(await db.repos.leads.countByCampaign(new ObjectId(campaignId))).toBe(0);
    });

    it("reads null for an optional field as absent", async () => {
      const { apiKey, campaignId } = await seedAccount(db.repos);
      const response = await postBulk(server.url, apiKey, {
        campaignId,
        leads: [{ phoneNumber: "+15555550142", externalId: null, metadata: null, scheduledFor: null, priority: null }],
      });
      expect(response.status).toBe(200);
      expect(response.body.data.created).toBe(1);
      const stored = await db.repos.collections.leads.findOne({ campaignId: new ObjectId(campaignId) });
      expect(stored).toMatchObject({ phoneNumber: "+15555550142", priority: 0, state: "pending" });
      expect(stored).not.toHaveProperty("externalId");
      expect(stored).not.toHaveProperty("metadata");
      expect(stored).not.toHaveProperty("scheduledFor");
    });

    it("refuses a __proto__ key in metadata", async () => {
      const { apiKey, campaignId } = await seedAccount(db.repos);
      const rawBody = `{"campaignId":"${campaignId}","leads":[{"phoneNumber":"+15555551234","metadata":{"__proto__":{"admin":true}}}]}`;
      const response = await postBulk(server.url, apiKey, null, { rawBody });
      expect(response.status).toBe(400);
      expect(response.body.error).toBe('leads[0].metadata key "__proto__" is not allowed');
    });

    it("refuses campaignId given as an operator object, without querying with it", async () => {
      const { apiKey } = await seedAccount(db.repos);
      const response = await postBulk(server.url, apiKey, { campaignId: { $ne: null }, leads: [lead] });
      expect(response.status).toBe(400);
      expect(response.body.error).toBe("campaignId must be a string");
    });

    it("lists every problem in issues, the first as error", async () => {
      const { apiKey, campaignId } = await seedAccount(db.repos);
      const response = await postBulk(server.url, apiKey, {
        campaignId,
        leads: [{}, lead, { phoneNumber: "+1555", priority: -1 }],
      });
      expect(response.status).toBe(400);
      expect(response.body.error).toBe("leads[0].phoneNumber is required");
      expect(response.body.issues.map((issue: { path: string }) => issue.path)).toEqual([
        "leads[0].phoneNumber",
        "leads[2].phoneNumber",
        "leads[2].priority",
      ]);
      expect(await db.repos.leads.countByCampaign(new ObjectId(campaignId))).toBe(0);
    });

    it("answers unknown paths and methods with the envelope, not a stack trace", async () => {
      const unknown = await fetch(`${server.url}/api/v1/nothing-here`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: "{}",
      });
      expect(unknown.status).toBe(404);
      expect(await unknown.json()).toMatchObject({ success: false, data: null });
      const get = await fetch(`${server.url}/api/v1/leads/bulk`);
      expect(get.status).toBe(405);
      expect(get.headers.get("allow")).toBe("POST");
      expect(await get.json()).toEqual({
        success: false,
        data: null,
        error: "Method GET is not allowed here; use POST",
      });
    });
  },
);
