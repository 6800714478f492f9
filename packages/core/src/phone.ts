import { isSupportedCountry, parsePhoneNumberFromString, type CountryCode } from "libphonenumber-js/max";

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
const NATIONAL_DIGITS = /^[0-9]{2,17}$/;

/** The docs' rule for a number without `+` when no default country is given. */
export const INTERNATIONAL_FORMAT_PROBLEM =
  "must be in international format starting with + and a country code, e.g. +15555551234";

/** True for an ISO 3166-1 alpha-2 code whose numbering plan libphonenumber knows, e.g. "US". */
export const isPhoneCountry = (code: string): code is CountryCode =>
  /^[A-Z]{2}$/.test(code) && isSupportedCountry(code);

/** An ISO 3166-1 alpha-2 code libphonenumber has a numbering plan for. */
export type PhoneCountry = CountryCode;

export type PhoneCheck = { ok: true; e164: string } | { ok: false; problem: string };

/**
 * Normalises a phone number to E.164.
 *
 * Accepts numbers that are *possible* for their country (right length),
 * without asking whether they are assigned: `+15555551234` passes. A number
 * without `+` is read as a national number of `defaultCountry` (trunk prefix
 * such as the 0 in `030 1234567` allowed); without one it is refused.
 *
 * @example
 * normalizePhoneNumber("+1 (555) 555-1234") // { ok: true, e164: "+15555551234" }
 * normalizePhoneNumber("(212) 555-0100", "US") // { ok: true, e164: "+12125550100" }
 */
export function normalizePhoneNumber(input: string, defaultCountry?: CountryCode): PhoneCheck {
  const compact = input.replace(SEPARATORS, "");
  if (!compact.startsWith("+")) {
    return defaultCountry
      ? normalizeNationalNumber(compact, defaultCountry)
      : { ok: false, problem: INTERNATIONAL_FORMAT_PROBLEM };
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

function normalizeNationalNumber(compact: string, country: CountryCode): PhoneCheck {
  const parsed = NATIONAL_DIGITS.test(compact) ? parsePhoneNumberFromString(compact, country) : undefined;
  if (!parsed?.isPossible()) {
    return {
      ok: false,
      problem: `must be a valid phone number of ${country} (defaultCountry), or start with + and a country code`,
    };
  }
  return { ok: true, e164: parsed.number };
}
