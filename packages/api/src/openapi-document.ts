import { errorEnvelopeSchema, importViewSchema } from "@leadline/core";
import { generateOpenApiDocument } from "trpc-to-openapi";
import { IMPORT_OPERATIONS } from "./imports/import-operations.ts";
import { BODY_ERROR_STATUSES, ERROR_DESCRIPTIONS } from "./procedures/error-descriptions.ts";
import { appRouter } from "./router.ts";

/** Where the REST paths of the OpenAPI document are mounted. */
export const REST_BASE_PATH = "/api/v1";

const ERROR_REF = { $ref: "#/components/schemas/ErrorResponse" };

type OpenApiDocument = ReturnType<typeof generateOpenApiDocument>;

const RATE_LIMIT_HEADERS = {
  "Retry-After": { description: "Seconds to wait before retrying", schema: { type: "integer" } },
  "RateLimit-Limit": { description: "Requests allowed per window", schema: { type: "integer" } },
  "RateLimit-Remaining": { description: "Requests left in this window", schema: { type: "integer" } },
  "RateLimit-Reset": { description: "Seconds until the window resets", schema: { type: "integer" } },
} as const;

/**
 * The OpenAPI 3.1 document of the REST paths. trpc-to-openapi describes
 * errors with its own body; ours is the `{ success, data, error }` envelope,
 * so every error response is pointed at `ErrorResponse`.
 */
export function buildOpenApiDocument(options: { serverUrl?: string } = {}): OpenApiDocument {
  const document = generateOpenApiDocument(appRouter, {
    title: "Leadline API",
    version: "1.0.0",
    description: "Push leads into calling campaigns. Authenticate with an API key in the x-api-key header.",
    baseUrl: options.serverUrl ?? REST_BASE_PATH,
    securitySchemes: { ApiKeyAuth: { type: "apiKey", in: "header", name: "x-api-key" } },
    defs: { ErrorResponse: errorEnvelopeSchema, ImportJob: importViewSchema },
  });
  for (const pathItem of Object.values(document.paths ?? {})) {
    for (const [method, operation] of Object.entries(pathItem ?? {})) {
      const responses = (operation as { responses?: Record<string, Record<string, unknown>> }).responses;
      if (!responses) continue;
      const takesBody = ["post", "put", "patch"].includes(method);
      // Answers any authenticated operation can give, whatever its own meta lists.
      for (const [status, description] of Object.entries(ERROR_DESCRIPTIONS)) {
        const isBodyError = (BODY_ERROR_STATUSES as readonly number[]).includes(Number(status));
        if (takesBody || !isBodyError) responses[status] ??= { description };
      }
      for (const [status, response] of Object.entries(responses)) {
        if (Number(status) < 400) continue;
        response.content = { "application/json": { schema: ERROR_REF } };
        if (status === "429") response.headers = RATE_LIMIT_HEADERS;
        if (status === "503") response.headers = { "Retry-After": RATE_LIMIT_HEADERS["Retry-After"] };
      }
    }
  }
  // Raw-body operations served outside the REST adapter, already complete.
  const paths = (document.paths ??= {}) as Record<string, Record<string, unknown>>;
  for (const [path, operations] of Object.entries(IMPORT_OPERATIONS)) paths[path] = { ...paths[path], ...operations };
  return document;
}
