export * from "./envelopes.ts";
export * from "./errors.ts";
export { describeIssues, formatIssuePath } from "./issue-path.ts";
export * from "./lead-schemas.ts";
export { LIMITS } from "./limits.ts";
export { findMetadataProblem } from "./metadata.ts";
export { normalizePhoneNumber, type PhoneCheck } from "./phone.ts";
export * from "./campaign-schemas.ts";
export * from "./view-schemas.ts";
