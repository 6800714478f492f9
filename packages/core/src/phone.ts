import { parsePhoneNumberFromString } from "libphonenumber-js/max";

/** Separators people type inside phone numbers; stripped before parsing. */
const SEPARATORS = /[\s\-.()[\]]/g;
const INTERNATIONAL_DIGITS = /^\+[0-9]{2,17}$/;
/**
 * +1 and ten digits with an area code of 2–9: possible in every NANP country,
 * already E.164, and nothing for the parser to strip. Most traffic looks like
 * this, and the full parser spends ~11 µs on each finding out which of the
 * 25 NANP countries it belongs to; phone.test.ts checks that this shortcut
 * agrees with libphonenumber.
 */
const NANP_E164 = /^\+1[2-9][0-9]{9}$/;

export type PhoneCheck = { ok: true; e164: string } | { ok: false; problem: string };

/**
 * Normalises an international phone number to E.164.
 *
 * Accepts numbers that are *possible* for their country (right length),
 * without asking whether they are assigned: `+15555551234` passes.
 *
 * @example
 * normalizePhoneNumber("+1 (555) 555-1234") // { ok: true, e164: "+15555551234" }
 */
export function normalizePhoneNumber(input: string): PhoneCheck {
  const compact = input.replace(SEPARATORS, "");
  if (!compact.startsWith("+")) {
    return {
      ok: false,
      problem: "must be in international format starting with + and a country code, e.g. +15555551234",
    };
  }
  if (NANP_E164.test(compact)) return { ok: true, e164: compact };
  if (!INTERNATIONAL_DIGITS.test(compact)) {
    return { ok: false, problem: "must be a valid E.164 phone number" };
  }
  const parsed = parsePhoneNumberFromString(compact);
  if (!parsed?.isPossible()) {
    return { ok: false, problem: "must be a valid E.164 phone number" };
  }
  return { ok: true, e164: parsed.number };
}

/**
 * The country calling code of an E.164 number, e.g. "1" for +1 212…, or
 * undefined when libphonenumber cannot tell.
 */
export function countryCallingCodeOf(e164: string): string | undefined {
  return parsePhoneNumberFromString(e164)?.countryCallingCode;
}
