import { z } from "zod";
import { isPhoneCountry } from "./phone.ts";

const COUNTRY_PROBLEM = "must be an ISO 3166-1 alpha-2 country code in capitals, such as US, GB or DE";

/**
 * The country whose national numbering reads phone numbers sent without `+`:
 * an ISO 3166-1 alpha-2 code that libphonenumber has a numbering plan for.
 */
export const countryCodeSchema = z
  .string({ error: COUNTRY_PROBLEM })
  .refine(isPhoneCountry, COUNTRY_PROBLEM)
  .meta({ pattern: "^[A-Z]{2}$", example: "US" });
