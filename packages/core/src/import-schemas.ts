import { z } from "zod";
import { countryCodeSchema } from "./country-code.ts";

/** An import job's states: `queued` → `running` → `completed` | `failed` | `cancelled`. */
export const IMPORT_STATES = ["queued", "running", "completed", "failed", "cancelled"] as const;
export type ImportState = (typeof IMPORT_STATES)[number];

/** States that hold one of the account's `IMPORT_MAX_ACTIVE_JOBS` slots. */
export const ACTIVE_IMPORT_STATES = ["queued", "running"] as const satisfies readonly ImportState[];

/** The body formats an import takes, by media type. */
export const IMPORT_FORMATS = { "text/csv": "csv", "application/x-ndjson": "ndjson" } as const;
export type ImportFormat = (typeof IMPORT_FORMATS)[keyof typeof IMPORT_FORMATS];

/** Leads stored per `insertMany` and per checkpoint, as the bulk endpoint's own maximum. */
export const IMPORT_BATCH_SIZE = 1000;

/**
 * The longest row a file import reads: characters of a CSV row, bytes of an NDJSON line. A
 * lead's fields and its 8 KiB of metadata fit many times over; a longer row is nearly always a
 * quote left open, which would otherwise read the rest of the file into one row in memory.
 */
export const MAX_IMPORT_ROW_LENGTH = 64 * 1024;

/** "true" or "false" in a query string, as a boolean; the default is the text, so the OpenAPI document shows it. */
const booleanText = (fallback: "true" | "false") =>
  z
    .enum(["true", "false"], { error: 'must be "true" or "false"' })
    .default(fallback)
    .transform((value) => value === "true");

/**
 * An upload's options, from its query string. `onInvalid: skip` (the
 * default) reports a bad row and goes on; `reject` fails the job at the
 * first bad row, keeping the leads stored before it.
 */
export const importOptionsSchema = z.strictObject(
  {
    onInvalid: z
      .enum(["skip", "reject"], { error: 'must be "skip" or "reject"' })
      .default("skip")
      .meta({ description: "skip: report invalid rows and go on; reject: fail the job at the first" }),
    defaultCountry: countryCodeSchema.optional().meta({
      example: "GB",
      description:
        "Read phone numbers without + as national numbers of this ISO 3166-1 alpha-2 country; " +
        "without it, the campaign's defaultCountry",
    }),
    hasHeader: booleanText("true").meta({
      description: "CSV only: false when the first line is data (columns: phone, externalId, priority, scheduledFor)",
    }),
  },
  {
    error: (issue) =>
      issue.code === "unrecognized_keys"
        ? `Unknown query parameter ${issue.keys.map((k) => `"${k}"`).join(", ")}`
        : "Invalid query",
  },
);
export type ImportOptions = z.output<typeof importOptionsSchema>;

const timestamp = () => z.string().meta({ format: "date-time", example: "2026-01-14T09:30:00.000Z" });
const count = (description: string) => z.int().min(0).meta({ description });

export const importViewSchema = z
  .object({
    id: z.string(),
    campaignId: z.string(),
    state: z.enum(IMPORT_STATES).meta({ description: "queued → running → completed, failed or cancelled" }),
    format: z.enum(["csv", "ndjson"]),
    rowsProcessed: count("Rows read so far, blank lines aside"),
    created: count("Leads stored by this import"),
    skipped: count("Rows whose phone number the campaign already had (duplicates)"),
    suppressed: count("Rows refused because the number is on a suppression list"),
    invalid: count("Rows that failed validation; see /imports/{id}/errors"),
    bytesProcessed: count("Bytes of the file read so far"),
    bytesTotal: count("Size of the uploaded file"),
    percent: z.number().min(0).max(100).meta({ description: "bytesProcessed / bytesTotal, 0–100" }),
    leadsPerSecond: z.number().min(0).meta({ description: "Rows per second since the job started" }),
    createdAt: timestamp(),
    startedAt: timestamp().nullable(),
    finishedAt: timestamp().nullable(),
    error: z.string().nullable().meta({ description: "Why the job failed or was cancelled" }),
  })
  .meta({ id: "ImportJob" });

export type ImportView = z.infer<typeof importViewSchema>;
