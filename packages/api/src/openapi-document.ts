import { errorEnvelopeSchema, importViewSchema } from "@leadline/core";
import type { generateOpenApiDocument } from "trpc-to-openapi";
import { IDEMPOTENCY_KEY_HEADER, REPLAYED_HEADER } from "./idempotency/idempotent-posts.ts";
import { IMPORT_OPERATIONS } from "./imports/import-operations.ts";
import { BODY_ERROR_STATUSES, ERROR_DESCRIPTIONS } from "./procedures/error-descriptions.ts";
import type { SuccessStatusMeta } from "./procedures/success-statuses.ts";
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

const IDEMPOTENCY_KEY_PARAMETER = {
  name: IDEMPOTENCY_KEY_HEADER,
  in: "header",
  required: false,
  description:
    "Makes the request safe to retry: 1 to 255 printable ASCII characters, kept 24 hours per account and operation. " +
    `The same key and body again answers what the first request answered, with ${REPLAYED_HEADER}: true, and does ` +
    "nothing more; another body answers 422; while the first still runs, 409 with Retry-After.",
  schema: { type: "string", minLength: 1, maxLength: 255, pattern: "^[\\x20-\\x7E]+$" },
  example: "crm-sync-2024-12-25-batch-7",
};

/** Answers every POST can give because of its Idempotency-Key. */
const IDEMPOTENCY_RESPONSES: Record<string, { description: string; headers?: Record<string, unknown> }> = {
  "409": {
    description: "A request with this Idempotency-Key is still being processed; see Retry-After",
    headers: { "Retry-After": RATE_LIMIT_HEADERS["Retry-After"] },
  },
  "422": { description: "This Idempotency-Key was already used with a different request body" },
};

const REPLAYED_RESPONSE_HEADER = {
  [REPLAYED_HEADER]: {
    description: "true when this is the stored answer to an earlier request with the same Idempotency-Key",
    schema: { type: "string", enum: ["true"] },
  },
};

type ProcedureMeta = { openapi?: { operationId?: string; errorResponses?: unknown } } & SuccessStatusMeta;

/** operationId → its procedure's meta. */
function metaByOperation(): Map<string, ProcedureMeta> {
  const procedures = appRouter._def.procedures as unknown as Record<string, { _def: { meta?: ProcedureMeta } }>;
  return new Map(
    Object.values(procedures).flatMap(({ _def: { meta } }) =>
      meta?.openapi?.operationId ? [[meta.openapi.operationId, meta]] : [],
    ),
  );
}

type Operation = {
  operationId?: string;
  parameters?: unknown[];
  responses?: Record<string, Record<string, unknown>>;
};

/** Every POST: the Idempotency-Key parameter, its 409 and 422, and the replay header on success. */
function describeIdempotency(operation: Operation): void {
  const responses = operation.responses ?? {};
  operation.parameters = [...(operation.parameters ?? []), IDEMPOTENCY_KEY_PARAMETER];
  for (const [status, response] of Object.entries(IDEMPOTENCY_RESPONSES)) {
    const own = responses[status];
    // An operation with a conflict of its own (an import that already ended) has both meanings.
    responses[status] = own
      ? {
          ...own,
          description: `${String(own.description)}; or: ${String(response.description)}`,
          headers: response.headers,
        }
      : { ...response };
  }
  for (const [status, response] of Object.entries(responses)) {
    if (Number(status) < 300) response.headers = { ...(response.headers as object), ...REPLAYED_RESPONSE_HEADER };
  }
}

/**
 * The OpenAPI 3.1 document of the REST paths. trpc-to-openapi describes
 * errors with its own body; ours is the `{ success, data, error }` envelope,
 * so every error response is pointed at `ErrorResponse`.
 */
export async function buildOpenApiDocument(options: { serverUrl?: string } = {}): Promise<OpenApiDocument> {
  // Loaded here rather than at start: the generator and the schema converter behind it hold about
  // 7 MiB of heap, which a process that never serves the document need not carry.
  const { generateOpenApiDocument } = await import("trpc-to-openapi");
  const document = generateOpenApiDocument(appRouter, {
    title: "Leadline API",
    version: "1.0.0",
    description: "Push leads into calling campaigns. Authenticate with an API key in the x-api-key header.",
    baseUrl: options.serverUrl ?? REST_BASE_PATH,
    securitySchemes: { ApiKeyAuth: { type: "apiKey", in: "header", name: "x-api-key" } },
    defs: { ErrorResponse: errorEnvelopeSchema, ImportJob: importViewSchema },
  });
  const metas = metaByOperation();
  for (const pathItem of Object.values(document.paths ?? {})) {
    for (const [method, operation] of Object.entries(pathItem ?? {}) as [string, Operation][]) {
      const responses = operation.responses;
      if (!responses) continue;
      const meta = metas.get(operation.operationId ?? "");
      // trpc-to-openapi shares one error response object per status across operations (the first
      // description wins everywhere): each operation gets its own copy, with its own description.
      const ownErrors = (meta?.openapi?.errorResponses ?? {}) as Record<string, string>;
      for (const [status, response] of Object.entries(responses)) {
        if (Number(status) >= 400)
          responses[status] = { ...response, description: ownErrors[status] ?? response.description };
      }
      for (const [status, description] of Object.entries(meta?.successStatuses ?? {})) {
        responses[status] ??= { ...responses["200"], description };
      }
      if (method === "post") describeIdempotency(operation);
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
  for (const [path, operations] of Object.entries(structuredClone(IMPORT_OPERATIONS) as Record<string, object>)) {
    for (const [method, operation] of Object.entries(operations)) {
      // The upload takes an Idempotency-Key like every other POST.
      if (method === "post") describeIdempotency(operation as Operation);
    }
    paths[path] = { ...paths[path], ...operations };
  }
  return document;
}
