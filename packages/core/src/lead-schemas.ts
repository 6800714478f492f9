import { z } from "zod";
import { ianaTimeZoneSchema } from "./campaign-schemas.ts";
import { countryCodeSchema } from "./country-code.ts";
import { LIMITS } from "./limits.ts";
import { findMetadataProblem } from "./metadata.ts";
import { isPhoneCountry, normalizePhoneNumber } from "./phone.ts";
import type { CountryCode } from "libphonenumber-js/max";

// Messages below follow describeIssues' convention: lower-case text is a
// problem with the field and gets its path in front; capitalised text is a
// whole sentence (the public docs word some of them).

type IssueInput = { input?: unknown };
const requiredOr =
  (problem: string) =>
  (issue: IssueInput): string =>
    issue.input === undefined ? "is required" : problem;

const PRIORITY_PROBLEM = `must be an integer from ${LIMITS.priorityMin} to ${LIMITS.priorityMax}`;
const SCHEDULE_PROBLEM = "must be an ISO 8601 timestamp with a time zone, e.g. 2024-12-25T09:00:00Z";

const phoneNumberSchemaFor = (defaultCountry: CountryCode | undefined) =>
  z
    .string({ error: requiredOr("must be a string") })
    .max(LIMITS.phoneNumberMaxLength, `must be at most ${LIMITS.phoneNumberMaxLength} characters`)
    .transform((raw, ctx) => {
      const result = normalizePhoneNumber(raw, defaultCountry);
      if (result.ok) return result.e164;
      ctx.addIssue({ code: "custom", message: result.problem });
      return z.NEVER;
    })
    .meta({
      description: "Phone number in E.164 format, e.g. +15555551234 (a national number when defaultCountry is set)",
      example: "+15555551234",
    });

/** A phone number as callers send it; parses to E.164 with the messages every endpoint shares. */
export const phoneNumberSchema = phoneNumberSchemaFor(undefined);

const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value);

// Checked by hand rather than with z.record: a record schema rebuilds the
// object, and assigning a "__proto__" key would change the copy's prototype
// unseen. The OpenAPI document gets the shape through `override`.
const metadataSchema = z
  .unknown()
  .superRefine((metadata, ctx) => {
    const problem = isPlainObject(metadata) ? findMetadataProblem(metadata) : "must be a JSON object";
    if (problem) ctx.addIssue({ code: "custom", message: problem });
  })
  .meta({
    description: `Custom data about the lead: a JSON object of at most ${LIMITS.metadataMaxBytes} bytes and ${LIMITS.metadataMaxDepth} levels; keys may not start with $ or contain a dot`,
    override: { type: "object", additionalProperties: true },
  });

const scheduledForSchema = z.iso
  .datetime({ offset: true, error: requiredOr(SCHEDULE_PROBLEM) })
  .transform((value) => new Date(value))
  .meta({ description: "ISO 8601 timestamp with a time zone for when to call", example: "2024-12-25T09:00:00Z" });

const prioritySchema = z
  .int({ error: requiredOr(PRIORITY_PROBLEM) })
  .min(LIMITS.priorityMin, PRIORITY_PROBLEM)
  .max(LIMITS.priorityMax, PRIORITY_PROBLEM)
  .meta({ description: "0 to 100, higher is called first; default 0", example: 10 });

const externalIdSchema = z
  .string({ error: requiredOr("must be a string") })
  .max(LIMITS.externalIdMaxLength, `must be at most ${LIMITS.externalIdMaxLength} characters`)
  .meta({ description: "Your own id for the lead, such as a CRM record id", example: "CRM_001" });

const unknownFields = (keys: readonly string[], hint: string): string =>
  `has unknown field${keys.length > 1 ? "s" : ""} ${keys.map((k) => `"${k}"`).join(", ")}${hint}`;

const buildLeadInputSchema = (defaultCountry: CountryCode | undefined) =>
  z
    .strictObject(
      {
        phoneNumber: phoneNumberSchemaFor(defaultCountry),
        externalId: externalIdSchema.nullish(),
        metadata: metadataSchema.nullish(),
        scheduledFor: scheduledForSchema.nullish(),
        priority: prioritySchema.nullish(),
        timeZone: ianaTimeZoneSchema.nullish().meta({
          description:
            "The recipient's IANA time zone, when you know it better than the number does; read by recipient-local calling hours",
          example: "America/Chicago",
        }),
      },
      {
        error: (issue) =>
          issue.code === "unrecognized_keys"
            ? unknownFields(issue.keys, "; put custom data in metadata")
            : "must be an object",
      },
    )
    .transform((lead) => ({
      phoneNumber: lead.phoneNumber,
      externalId: lead.externalId ?? undefined,
      metadata: (lead.metadata ?? undefined) as Record<string, unknown> | undefined,
      scheduledFor: lead.scheduledFor ?? undefined,
      priority: lead.priority ?? 0,
      // Optional in the type, so code that builds leads by hand need not mention it.
      ...(lead.timeZone ? { timeZone: lead.timeZone } : {}),
    }));

/** One lead as callers send it; parses to a normalised {@link NewLead}. */
export const leadInputSchema = buildLeadInputSchema(undefined);

const leadSchemasByCountry = new Map<CountryCode, typeof leadInputSchema>();

/**
 * {@link leadInputSchema} reading numbers without `+` as national numbers of
 * `defaultCountry`; built once per country.
 */
export function leadInputSchemaFor(defaultCountry: CountryCode | undefined): typeof leadInputSchema {
  if (!defaultCountry) return leadInputSchema;
  let schema = leadSchemasByCountry.get(defaultCountry);
  if (!schema) {
    schema = buildLeadInputSchema(defaultCountry);
    leadSchemasByCountry.set(defaultCountry, schema);
  }
  return schema;
}

/** A validated lead, phone number in E.164, ready to store. */
export type NewLead = z.output<typeof leadInputSchema>;

export const campaignIdSchema = z
  .string({ error: requiredOr("must be a string") })
  .min(1, "is required")
  .max(LIMITS.campaignIdMaxLength, `must be at most ${LIMITS.campaignIdMaxLength} characters`)
  .meta({ description: "The ID of the campaign these leads belong to", example: "6650c0ffee00000000000001" });

const leadsArray = <TElement extends z.ZodType>(element: TElement) =>
  z
    .array(element, { error: "array is required" })
    .min(1, "array cannot be empty")
    .max(LIMITS.maxLeadsPerRequest, `Maximum ${LIMITS.maxLeadsPerRequest} leads per bulk request`);

const requestObjectError = (issue: { code: string; keys?: readonly string[] }): string =>
  issue.code === "unrecognized_keys"
    ? `Request body ${unknownFields(issue.keys ?? [], "")}`
    : "Request body must be a JSON object with campaignId and leads";

/**
 * The shape of a bulk request without looking inside the leads: cheap enough
 * to run first, so that a huge `leads` array is refused before any lead is
 * validated.
 */
export const bulkCreateRequestShapeSchema = z.object(
  { campaignId: campaignIdSchema, leads: leadsArray(z.unknown()) },
  { error: requestObjectError },
);

/** A lead of a bulk request that did not validate, kept so that `onInvalid: "skip"` can report it. */
export interface InvalidLeadInput {
  readonly invalid: true;
  /** The lead as sent, for a second reading with a default country. */
  readonly input: unknown;
  /** Issues with paths relative to the lead (`["phoneNumber"]`), messages as reject mode words them. */
  readonly issues: readonly z.core.$ZodIssue[];
}

/**
 * A bulk request's lead: validated here, once, but a failure is kept as an
 * {@link InvalidLeadInput} instead of failing the request, so that the
 * procedure can reject the request (the default) or skip the lead.
 */
const bulkLeadSchema = leadInputSchema.catch(
  (ctx) => ({ invalid: true, input: ctx.input, issues: ctx.error.issues }) as unknown as NewLead,
) as unknown as z.ZodType<NewLead | InvalidLeadInput, z.input<typeof leadInputSchema>>;

/** True for a bulk lead that did not validate. */
export const isInvalidLead = (lead: NewLead | InvalidLeadInput): lead is InvalidLeadInput => "invalid" in lead;

/** What `onInvalid` may say: refuse the request over any invalid lead, or store the valid ones. */
export const ON_INVALID = ["reject", "skip"] as const;

const booleanOption = (description: string) =>
  z.boolean({ error: "must be true or false" }).optional().meta({ description, example: true });

export const bulkCreateInputSchema = z.strictObject(
  {
    campaignId: campaignIdSchema,
    leads: leadsArray(bulkLeadSchema).meta({
      description: `Array of lead objects (1 to ${LIMITS.maxLeadsPerRequest})`,
    }),
    onInvalid: z.enum(ON_INVALID, { error: 'must be "reject" or "skip"' }).optional().meta({
      description:
        'What to do with invalid leads. "reject" (default): refuse the whole request with 400. "skip": store the valid leads and list the invalid ones in invalidLeads',
      example: "skip",
    }),
    returnResults: booleanOption(
      "When true, the answer adds results: one entry per lead, in request order, saying what became of it",
    ),
    dryRun: booleanOption(
      "When true, nothing is stored: the answer says what the request would do (createdIds stays empty). It counts against the bulk rate limit like any request",
    ),
    defaultCountry: countryCodeSchema.optional().meta({
      description:
        "ISO 3166-1 alpha-2 country whose national numbers phone numbers without + are, e.g. (212) 555-0100 with US. Overrides the campaign's defaultCountry; without either, numbers must start with +",
      example: "US",
    }),
  },
  { error: requestObjectError },
);

export type BulkCreateInput = z.input<typeof bulkCreateInputSchema>;
export type BulkCreateRequest = z.output<typeof bulkCreateInputSchema>;

const LEAD_FIELDS_FAST = new Set(["phoneNumber", "externalId", "metadata", "priority"]);

/**
 * What {@link bulkLeadSchema} makes of `input` when it is a lead of the
 * common kind (an E.164 number that needs no default country, and nothing
 * but `externalId`, `metadata` and `priority` beside it), all of it valid;
 * otherwise undefined, and the schema reads the lead, with its messages.
 */
function commonValidLead(input: unknown): NewLead | undefined {
  if (!isPlainObject(input)) return undefined;
  let fields = 0;
  for (const key in input) {
    if (!LEAD_FIELDS_FAST.has(key)) return undefined;
    fields++;
  }
  const { phoneNumber, externalId, metadata, priority } = input;
  if (typeof phoneNumber !== "string" || phoneNumber.length > LIMITS.phoneNumberMaxLength) return undefined;
  if (externalId != null && (typeof externalId !== "string" || externalId.length > LIMITS.externalIdMaxLength))
    return undefined;
  if (metadata != null && (!isPlainObject(metadata) || findMetadataProblem(metadata) !== undefined)) return undefined;
  if (
    priority != null &&
    (typeof priority !== "number" ||
      !Number.isSafeInteger(priority) ||
      priority < LIMITS.priorityMin ||
      priority > LIMITS.priorityMax)
  )
    return undefined;
  // Inherited enumerable keys were counted above; own ones are what the schema reads.
  if (fields !== Object.keys(input).length) return undefined;
  const phone = normalizePhoneNumber(phoneNumber);
  if (!phone.ok) return undefined;
  return {
    phoneNumber: phone.e164,
    externalId: externalId ?? undefined,
    metadata: (metadata ?? undefined) as Record<string, unknown> | undefined,
    scheduledFor: undefined,
    priority: priority ?? 0,
  };
}

const BULK_FIELDS_FAST = new Set(["campaignId", "leads", "onInvalid", "returnResults", "dryRun", "defaultCountry"]);

/** True when the request's own fields (all but the leads) are valid, so only leads can fail. */
function validBulkEnvelope(
  input: unknown,
): input is Record<string, unknown> & { campaignId: string; leads: unknown[] } {
  if (!isPlainObject(input)) return false;
  let fields = 0;
  for (const key in input) {
    if (!BULK_FIELDS_FAST.has(key)) return false;
    fields++;
  }
  if (fields !== Object.keys(input).length) return false;
  const { campaignId, leads, onInvalid, returnResults, dryRun, defaultCountry } = input;
  return (
    typeof campaignId === "string" &&
    campaignId.length >= 1 &&
    campaignId.length <= LIMITS.campaignIdMaxLength &&
    Array.isArray(leads) &&
    leads.length >= 1 &&
    leads.length <= LIMITS.maxLeadsPerRequest &&
    (onInvalid === undefined || (ON_INVALID as readonly unknown[]).includes(onInvalid)) &&
    (returnResults === undefined || typeof returnResults === "boolean") &&
    (dryRun === undefined || typeof dryRun === "boolean") &&
    (defaultCountry === undefined || (typeof defaultCountry === "string" && isPhoneCountry(defaultCountry)))
  );
}

/**
 * `bulkCreateInputSchema.parse`, with a shortcut for what most requests
 * are: a valid envelope and leads of the common kind are read by hand,
 * each other lead by the lead schema, and a request with anything wrong
 * outside its leads by the whole schema. The result, and every message,
 * is the schema's own (lead-schemas.test.ts compares the two).
 */
export function parseBulkCreateInput(input: unknown): BulkCreateRequest {
  if (!validBulkEnvelope(input)) return bulkCreateInputSchema.parse(input);
  const leads = new Array<NewLead | InvalidLeadInput>(input.leads.length);
  for (let index = 0; index < leads.length; index++) {
    const lead: unknown = input.leads[index];
    leads[index] = commonValidLead(lead) ?? bulkLeadSchema.parse(lead);
  }
  const request: Record<string, unknown> = { campaignId: input.campaignId, leads };
  for (const key of ["onInvalid", "returnResults", "dryRun", "defaultCountry"] as const) {
    if (key in input) request[key] = input[key];
  }
  return request as BulkCreateRequest;
}
