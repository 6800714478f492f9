import { z } from "zod";
import { ianaTimeZoneSchema } from "./campaign-schemas.ts";
import { LIMITS } from "./limits.ts";
import { findMetadataProblem } from "./metadata.ts";
import { normalizePhoneNumber } from "./phone.ts";
import { isPlainObject, unknownFields } from "./schema-parts.ts";
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
