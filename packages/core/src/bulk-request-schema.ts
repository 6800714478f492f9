import { z } from "zod";
import { countryCodeSchema } from "./country-code.ts";
import { campaignIdSchema, leadInputSchema, type NewLead } from "./lead-schemas.ts";
import { LIMITS } from "./limits.ts";
import { unknownFields } from "./schema-parts.ts";

const leadsArray = <TElement extends z.ZodType>(element: TElement) =>
  z
    .array(element, { error: "array is required" })
    .min(1, "array cannot be empty")
    .max(LIMITS.maxLeadsPerRequest, `Maximum ${LIMITS.maxLeadsPerRequest} leads per bulk request`);

const requestObjectError = (issue: { code: string; keys?: readonly string[] }): string =>
  issue.code === "unrecognized_keys"
    ? `Request body ${unknownFields(issue.keys ?? [], "")}`
    : "Request body must be a JSON object with campaignId and leads";

/** What `onInvalid` may say: refuse the request over any invalid lead, or store the valid ones. */
export const ON_INVALID = ["reject", "skip"] as const;

const booleanOption = (description: string) =>
  z.boolean({ error: "must be true or false" }).optional().meta({ description, example: true });

/**
 * The bulk request's envelope, described once: every field and option, with
 * the leads left unread. {@link bulkCreateInputSchema} is this envelope with
 * its leads validated; {@link bulkCreateRequestShapeSchema} is its two
 * required fields.
 */
export const bulkEnvelopeSchema = z.strictObject(
  {
    campaignId: campaignIdSchema,
    leads: leadsArray(z.unknown()),
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

/**
 * The shape of a bulk request without looking inside the leads: checked
 * before any lead is validated, so that a huge `leads` array is refused
 * from its length alone. Other fields are not its concern.
 */
export const bulkCreateRequestShapeSchema = z.object(
  bulkEnvelopeSchema.pick({ campaignId: true, leads: true }).shape,
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
export const bulkLeadSchema = leadInputSchema.catch(
  (ctx) => ({ invalid: true, input: ctx.input, issues: ctx.error.issues }) as unknown as NewLead,
) as unknown as z.ZodType<NewLead | InvalidLeadInput, z.input<typeof leadInputSchema>>;

/** True for a bulk lead that did not validate. */
export const isInvalidLead = (lead: NewLead | InvalidLeadInput): lead is InvalidLeadInput => "invalid" in lead;

/** The whole bulk request: the envelope, each lead validated. What the OpenAPI document and typed clients see. */
export const bulkCreateInputSchema = bulkEnvelopeSchema.extend({
  leads: leadsArray(bulkLeadSchema).meta({
    description: `Array of lead objects (1 to ${LIMITS.maxLeadsPerRequest})`,
  }),
});

export type BulkCreateInput = z.input<typeof bulkCreateInputSchema>;
export type BulkCreateRequest = z.output<typeof bulkCreateInputSchema>;
