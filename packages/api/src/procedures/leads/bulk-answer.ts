import { describeLeadIssues, type BulkCreateResult, type LeadResult, type NewLead } from "@leadline/core";
import type { BulkInsertResult } from "@leadline/db";
import type { CheckedLeads } from "./check-bulk-leads.ts";

/** The options of a bulk request that shape its answer. */
export interface AnswerOptions {
  skipInvalid: boolean;
  returnResults: boolean;
  dryRun: boolean;
}

/**
 * The bulk answer: the documented fields always, and only the fields the
 * request's options ask for, so that a request without options is answered
 * exactly as the docs show.
 */
export function bulkAnswer(
  checked: CheckedLeads<NewLead>,
  stored: BulkInsertResult,
  options: AnswerOptions,
): BulkCreateResult {
  const { created, skipped, createdIds, skippedPhones, suppressedPhones } = stored;
  const answer: BulkCreateResult = { created, skipped, createdIds, skippedPhones, suppressedPhones };
  const invalidLeads = checked.invalid.map(({ index, issues }) => ({ index, error: describeLeadIssues(index, issues) }));
  if (options.skipInvalid) {
    answer.invalid = invalidLeads.length;
    answer.invalidLeads = invalidLeads;
  }
  if (options.returnResults) {
    const results = new Array<LeadResult>(checked.valid.length + invalidLeads.length);
    checked.valid.forEach(({ index, lead }, position) => {
      const outcome = stored.outcomes[position]!;
      results[index] =
        outcome.status === "created" && outcome.id
          ? { index, status: "created", id: outcome.id, phoneNumber: lead.phoneNumber }
          : { index, status: outcome.status, phoneNumber: lead.phoneNumber };
    });
    for (const { index, error } of invalidLeads) results[index] = { index, status: "invalid", error };
    answer.results = results;
  }
  if (options.dryRun) answer.dryRun = true;
  return answer;
}
