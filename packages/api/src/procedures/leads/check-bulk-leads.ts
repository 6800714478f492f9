import {
  bulkLeadIssues,
  isInvalidLead,
  isPhoneCountry,
  leadInputSchemaFor,
  needsDefaultCountry,
  type InvalidLeadInput,
  type NewLead,
} from "@leadline/core";
import { z } from "zod";

/** A bulk request's leads split by validity, each with its index in the request. */
export interface CheckedLeads<TLead> {
  /** In request order. */
  readonly valid: readonly { index: number; lead: TLead }[];
  /** In request order; issue paths relative to the lead. */
  readonly invalid: readonly { index: number; input: unknown; issues: InvalidLeadInput["issues"] }[];
}

/** Splits the leads the input schema validated (once, without a default country) into valid and invalid. */
export function splitBulkLeads(leads: readonly (NewLead | InvalidLeadInput)[]): CheckedLeads<NewLead> {
  const valid: { index: number; lead: NewLead }[] = [];
  const invalid: { index: number; input: unknown; issues: InvalidLeadInput["issues"] }[] = [];
  leads.forEach((lead, index) => {
    if (isInvalidLead(lead)) invalid.push({ index, input: lead.input, issues: lead.issues });
    else valid.push({ index, lead });
  });
  return { valid, invalid };
}

/** True when some invalid lead has a number without `+`, which a default country might make valid. */
export const mayNeedCountry = (checked: CheckedLeads<NewLead>): boolean =>
  checked.invalid.some((lead) => needsDefaultCountry(lead.issues));

/**
 * Reads again, as national numbers of `country`, the invalid leads that
 * failed for want of a `+`. Only those are parsed a second time.
 */
export function applyDefaultCountry(checked: CheckedLeads<NewLead>, country: string): CheckedLeads<NewLead> {
  if (!isPhoneCountry(country) || !mayNeedCountry(checked)) return checked;
  const schema = leadInputSchemaFor(country);
  const valid = [...checked.valid];
  const invalid: { index: number; input: unknown; issues: InvalidLeadInput["issues"] }[] = [];
  for (const lead of checked.invalid) {
    if (!needsDefaultCountry(lead.issues)) {
      invalid.push(lead);
      continue;
    }
    const again = schema.safeParse(lead.input);
    if (again.success) valid.push({ index: lead.index, lead: again.data });
    else invalid.push({ ...lead, issues: again.error.issues });
  }
  valid.sort((a, b) => a.index - b.index);
  return { valid, invalid };
}

/**
 * The refusal of reject mode: every invalid lead's issues under its
 * `leads[i]` path, in request order, as the whole-request schema words them.
 */
export const bulkRejection = (checked: CheckedLeads<NewLead>): z.ZodError =>
  reportIssues.safeParse(checked.invalid.flatMap(({ index, issues }) => bulkLeadIssues(index, issues))).error!;

// Issues become a ZodError through a parse, not `new z.ZodError`: only a parse's error is an Error,
// which the failure mapping needs to recognise it.
const reportIssues = z.custom<z.core.$ZodIssue[]>().superRefine((issues, ctx) => {
  for (const issue of issues) ctx.addIssue({ ...issue, code: "custom" } as z.core.$ZodRawIssue);
});
