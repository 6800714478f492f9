import {
  bulkCreateInputSchema,
  bulkCreateRequestShapeSchema,
  bulkEnvelopeSchema,
  bulkLeadSchema,
  type BulkCreateRequest,
  type InvalidLeadInput,
} from "./bulk-request-schema.ts";
import type { NewLead } from "./lead-schemas.ts";
import { LIMITS } from "./limits.ts";
import { findMetadataProblem } from "./metadata.ts";
import { normalizePhoneNumber } from "./phone.ts";
import { isPlainObject } from "./schema-parts.ts";

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

/**
 * The bulk request's one validation pass, `bulkCreateInputSchema.parse` in
 * effect (tRPC calls it as the procedure's parser): the envelope once, with
 * its leads unread, then each lead, those of the common kind by hand and
 * the others by the lead schema. Only a request whose envelope is wrong
 * goes further: its shape (campaignId, the leads array and its length)
 * first, so that an oversized array is refused before any lead is read,
 * then the whole schema, for its messages. The result, and every message,
 * is the schema's own (bulk-input-fast-path.test.ts compares the two).
 */
export function parseBulkCreateInput(input: unknown): BulkCreateRequest {
  const envelope = bulkEnvelopeSchema.safeParse(input);
  if (!envelope.success) {
    bulkCreateRequestShapeSchema.parse(input);
    return bulkCreateInputSchema.parse(input);
  }
  const sent = envelope.data.leads;
  const leads = new Array<NewLead | InvalidLeadInput>(sent.length);
  for (let index = 0; index < leads.length; index++) {
    const lead: unknown = sent[index];
    leads[index] = commonValidLead(lead) ?? bulkLeadSchema.parse(lead);
  }
  return { ...envelope.data, leads };
}
