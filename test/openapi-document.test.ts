import { describe, expect, it } from "vitest";
import { Validator } from "@seriousme/openapi-schema-validator";
import { useApiServer } from "./support/api-server.ts";
import { useTestDatabase } from "./support/database.ts";

describe("GET /api/v1/openapi.json", () => {
  const db = useTestDatabase("openapi");
  const server = useApiServer(db);

  it("serves a document that passes an OpenAPI validator", async () => {
    const response = await fetch(`${server.url}/api/v1/openapi.json`);
    expect(response.status).toBe(200);
    const document = await response.json();
    const result = await new Validator().validate(document);
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
  });

  it("describes the bulk endpoint with the x-api-key scheme and the real error envelope", async () => {
    const document = await (await fetch(`${server.url}/api/v1/openapi.json`)).json();
    expect(document.components.securitySchemes).toEqual({
      ApiKeyAuth: { type: "apiKey", in: "header", name: "x-api-key" },
    });
    const operation = document.paths["/leads/bulk"].post;
    expect(operation.security).toEqual([{ ApiKeyAuth: [] }]);
    for (const status of ["400", "401", "403", "404", "413", "415", "429", "503"]) {
      expect(Object.keys(operation.responses)).toContain(status);
      expect(operation.responses[status].content["application/json"].schema).toEqual({
        $ref: "#/components/schemas/ErrorResponse",
      });
    }
    expect(document.components.schemas.ErrorResponse.required).toEqual(["success", "data", "error"]);
    expect(operation.responses["200"].content["application/json"].schema.properties.data.required).toEqual([
      "created",
      "skipped",
      "createdIds",
      "skippedPhones",
      "suppressedPhones",
    ]);
    expect(document.servers).toEqual([{ url: "/api/v1" }]);
  });

  it("lists every REST operation", async () => {
    const document = await (await fetch(`${server.url}/api/v1/openapi.json`)).json();
    const operations = Object.entries(document.paths).flatMap(([path, item]) =>
      Object.keys(item as object).map((method) => `${method.toUpperCase()} ${path}`),
    );
    expect(operations.sort()).toEqual([
      "DELETE /leads/{leadId}",
      "DELETE /webhooks/{webhookId}",
      "GET /campaigns",
      "GET /campaigns/{campaignId}",
      "GET /campaigns/{campaignId}/imports",
      "GET /campaigns/{campaignId}/leads",
      "GET /campaigns/{campaignId}/stats",
      "GET /imports/{importId}",
      "GET /imports/{importId}/errors",
      "GET /leads",
      "GET /leads/{leadId}",
      "GET /suppressions",
      "GET /suppressions/check",
      "GET /webhooks",
      "GET /webhooks/{webhookId}/deliveries",
      "PATCH /campaigns/{campaignId}",
      "POST /campaigns",
      "POST /campaigns/{campaignId}/imports",
      "POST /imports/{importId}/cancel",
      "POST /leads",
      "POST /leads/bulk",
      "POST /leads/bulk-delete",
      "POST /outcomes",
      "POST /suppressions",
      "POST /suppressions/remove",
      "POST /webhooks",
    ]);
  });

  it("describes Idempotency-Key on every POST, with its 409 and 422 and the replay header", async () => {
    const document = await (await fetch(`${server.url}/api/v1/openapi.json`)).json();
    // The raw file upload is served beside the JSON adapter and takes no Idempotency-Key yet.
    const posts = Object.entries(document.paths).flatMap(([path, item]: [string, any]) =>
      item.post && path !== "/campaigns/{campaignId}/imports" ? [item.post] : [],
    );
    expect(posts.length).toBe(9);
    for (const operation of posts) {
      expect(operation.parameters).toContainEqual(
        expect.objectContaining({ name: "Idempotency-Key", in: "header", required: false }),
      );
      expect(Object.keys(operation.responses)).toEqual(expect.arrayContaining(["409", "422"]));
      expect(operation.responses["409"].headers["Retry-After"]).toBeDefined();
      expect(operation.responses["200"].headers["Idempotent-Replayed"]).toBeDefined();
    }
    const createLead = document.paths["/leads"].post;
    expect(createLead.responses["201"].content).toEqual(createLead.responses["200"].content);
    expect(document.paths["/webhooks"].post.responses["201"].content).toBeDefined();
    expect(document.paths["/webhooks"].post.responses["422"].description).toMatch(/as many webhooks as allowed/);
    expect(document.paths["/leads/{leadId}"].delete.parameters ?? []).not.toContainEqual(
      expect.objectContaining({ name: "Idempotency-Key" }),
    );
  });
});

describe("GET /healthz", () => {
  const db = useTestDatabase("healthz");
  const server = useApiServer(db);

  it("reports the database as up", async () => {
    const response = await fetch(`${server.url}/healthz`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: "ok", database: "up" });
  });
});
