import { IMPORT_BATCH_SIZE, importOptionsSchema } from "@leadline/core";
import { CAMPAIGN_NOT_FOUND, ERROR_DESCRIPTIONS, IMPORT_NOT_FOUND } from "../procedures/error-descriptions.ts";
import { queryParametersOf } from "./query-parameters.ts";

const ERROR_REF = { $ref: "#/components/schemas/ErrorResponse" };
const IMPORT_REF = { $ref: "#/components/schemas/ImportJob" };

const errors = (own: Record<number, string>) =>
  Object.fromEntries(
    Object.entries(own).map(([status, description]) => [
      status,
      { description, content: { "application/json": { schema: ERROR_REF } } },
    ]),
  );

const campaignIdParameter = {
  name: "campaignId",
  in: "path",
  required: true,
  schema: { type: "string", minLength: 1, maxLength: 128 },
  description: "The campaign the leads go to",
};

/**
 * The two import operations served outside the REST adapter (their bodies
 * are not JSON), described here, the upload's query parameters generated
 * from `importOptionsSchema`; `buildOpenApiDocument` adds them to the
 * generated document.
 */
export const IMPORT_OPERATIONS = {
  "/campaigns/{campaignId}/imports": {
    post: {
      operationId: "createImport",
      tags: ["imports"],
      summary: "Upload a file of leads as an import job",
      description:
        "Send the file as the raw body: `text/csv` (a header row; columns phone, id, priority, scheduledFor, " +
        "the rest into metadata) or `application/x-ndjson` (one bulk lead object per line). It is streamed into " +
        `storage as it arrives, up to MAX_IMPORT_BYTES; a worker then stores it in batches of ${IMPORT_BATCH_SIZE} ` +
        "by the bulk endpoint's rules. Follow the job at the Location header. Does not spend the bulk rate limit.",
      security: [{ ApiKeyAuth: [] }],
      parameters: [campaignIdParameter, ...queryParametersOf(importOptionsSchema)],
      requestBody: {
        required: true,
        content: {
          "text/csv": { schema: { type: "string" }, example: "phone,id,first_name\n+15555551234,CRM_001,Ada\n" },
          "application/x-ndjson": {
            schema: { type: "string" },
            example: '{"phoneNumber":"+15555551234","externalId":"CRM_001"}\n',
          },
        },
      },
      responses: {
        "202": {
          description: "The file is stored and the job queued",
          headers: { Location: { description: "The job: /api/v1/imports/{id}", schema: { type: "string" } } },
          content: {
            "application/json": {
              schema: {
                type: "object",
                required: ["success", "data", "error"],
                properties: { success: { const: true }, data: IMPORT_REF, error: { type: "null" } },
              },
            },
          },
        },
        ...errors({
          400: `${ERROR_DESCRIPTIONS[400]}: an unknown or bad query option, or an empty body`,
          401: ERROR_DESCRIPTIONS[401],
          403: "The API key lacks the write scope",
          404: CAMPAIGN_NOT_FOUND,
          413: "The file is larger than MAX_IMPORT_BYTES, or than the account's IMPORT_MAX_STORED_BYTES; nothing is kept",
          415: "Content-Type must be text/csv or application/x-ndjson",
          429:
            "The account has IMPORT_MAX_ACTIVE_JOBS imports queued or running, its stored import files leave no room " +
            "for this one under IMPORT_MAX_STORED_BYTES, or too many failed authentications",
          503: ERROR_DESCRIPTIONS[503],
        }),
      },
    },
  },
  "/imports/{importId}/errors": {
    get: {
      operationId: "getImportErrors",
      tags: ["imports"],
      summary: "An import's rejected rows as CSV",
      description:
        "One line per rejected row: line, error, then the row's original fields (NDJSON rows: the line as it was). " +
        "Can be downloaded while the job runs; it then holds the rows of the batches done so far.",
      security: [{ ApiKeyAuth: [] }],
      parameters: [
        { name: "importId", in: "path", required: true, schema: { type: "string" }, description: "The import job" },
      ],
      responses: {
        "200": {
          description: "The error report",
          content: {
            "text/csv": { schema: { type: "string" }, example: "line,error,phone\r\n3,phoneNumber is required,\r\n" },
          },
        },
        ...errors({
          401: ERROR_DESCRIPTIONS[401],
          403: "The API key lacks the read scope",
          404: IMPORT_NOT_FOUND,
          429: ERROR_DESCRIPTIONS[429],
          503: ERROR_DESCRIPTIONS[503],
        }),
      },
    },
  },
} as const;
