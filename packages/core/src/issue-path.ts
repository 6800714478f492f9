import type { ErrorIssue } from "./envelopes.ts";

/** `["leads", 3, "phoneNumber"]` → `leads[3].phoneNumber`. */
export function formatIssuePath(path: readonly PropertyKey[]): string {
  let out = "";
  for (const segment of path) {
    if (typeof segment === "number") out += `[${segment}]`;
    else out += out ? `.${String(segment)}` : String(segment);
  }
  return out;
}

interface IssueLike {
  readonly path: readonly PropertyKey[];
  readonly message: string;
}

/**
 * Turns schema issues into caller-facing ones.
 *
 * Schema messages come in two forms: a lower-case *problem* with the field
 * ("is required") gets the field's path put in front ("leads[0].phoneNumber is
 * required"); a capitalised message is already a sentence and stays as it is
 * ("Maximum 1000 leads per bulk request", worded by the public docs).
 */
export function describeIssues(issues: readonly IssueLike[]): ErrorIssue[] {
  return issues.map((issue) => {
    const path = formatIssuePath(issue.path);
    const isSentence = /^[A-Z]/.test(issue.message) || path === "";
    return { path, message: isSentence ? issue.message : `${path} ${issue.message}` };
  });
}
