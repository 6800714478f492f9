import type { z } from "zod";
import { describeIssues } from "./issue-path.ts";
import { INTERNATIONAL_FORMAT_PROBLEM } from "./phone.ts";

type LeadIssue = Pick<z.core.$ZodIssue, "path" | "message">;

/**
 * The issues of the bulk request's lead at `index`, as reject mode reports
 * them: paths under `leads[index]`, messages worded by {@link describeIssues}.
 */
export function bulkLeadIssues<TIssue extends LeadIssue>(index: number, issues: readonly TIssue[]): TIssue[] {
  return issues.map((issue) => ({ ...issue, path: ["leads", index, ...issue.path] }));
}

/** One line for `invalidLeads[].error`: the lead's reject-mode messages, joined. */
export const describeLeadIssues = (index: number, issues: readonly LeadIssue[]): string =>
  describeIssues(bulkLeadIssues(index, issues))
    .map((issue) => issue.message)
    .join("; ");

/** True when the lead failed (also) because its number has no `+`: a default country may rescue it. */
export const needsDefaultCountry = (issues: readonly LeadIssue[]): boolean =>
  issues.some(
    (issue) =>
      issue.path.length === 1 && issue.path[0] === "phoneNumber" && issue.message === INTERNATIONAL_FORMAT_PROBLEM,
  );
