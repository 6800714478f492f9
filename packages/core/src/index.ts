export * from "./envelopes.ts";
export * from "./errors.ts";
export { describeIssues, formatIssuePath } from "./issue-path.ts";
export * from "./lead-schemas.ts";
export {
  bulkCreateInputSchema,
  isInvalidLead,
  ON_INVALID,
  type BulkCreateInput,
  type BulkCreateRequest,
  type InvalidLeadInput,
} from "./bulk-request-schema.ts";
export { parseBulkCreateInput } from "./bulk-request-parse.ts";
export * from "./import-files/lead-rows.ts";
export * from "./import-schemas.ts";
export * from "./lead-lifecycle/index.ts";
export { LIMITS } from "./limits.ts";
export { findMetadataProblem } from "./metadata.ts";
export {
  countryCallingCodeOf,
  INTERNATIONAL_FORMAT_PROBLEM,
  isPhoneCountry,
  normalizePhoneNumber,
  type PhoneCheck,
  type PhoneCountry,
} from "./phone.ts";
export { countryCodeSchema } from "./country-code.ts";
export { csvCell, neutraliseFormula } from "./csv-cell.ts";
export { bulkLeadIssues, describeLeadIssues, needsDefaultCountry } from "./bulk-lead-issues.ts";
export * from "./campaign-schemas.ts";
export * from "./view-schemas.ts";
export {
  hmacSha256Hex,
  LEGACY_HAND_OFF_SIGNATURE_HEADER,
  SIGNATURE_HEADER,
  SIGNATURE_TOLERANCE_SECONDS,
  signPayload,
  verifyPayload,
} from "./leadline-signature.ts";
export { backoffDelayMs, parseRetryAfterMs } from "./retry.ts";
export { dbCheckSchema, envInteger, mongoUriSchema, parseEnv } from "./parse-env.ts";
export { MONGODB_URI_REQUIRED, workerDatabaseUri } from "./database-uri.ts";
export { FALLBACK_ZONE_KEY, openZoneKeys, zoneKeyOf, zonesOfKey } from "./recipient-zones.ts";
export * from "./suppression-schemas.ts";
export * from "./outcome-schemas.ts";
export { outcomeTransition, type OutcomeTransition } from "./outcome-transition.ts";
export { createWorkerLogger, type LogLevel, type WorkerLogger } from "./worker-logger.ts";
export { isIpAddress, isLocalhostName, refusedAddressReason, refusedTargetMessage } from "./webhook-addresses.ts";
export { readUpTo, type BoundedRead, type BoundedReadOptions } from "./bounded-read.ts";
export { startFailureLine } from "./start-failure.ts";
