import { isOpenInZone, type CallingHours } from "./campaign-schemas.ts";

/** The zone key of a lead whose zone is unknown: read in the campaign's fallback zone. */
export const FALLBACK_ZONE_KEY = "";

/**
 * One string per set of zones, the same whatever their order, so the claim
 * can filter leads by the sets that are open now with `$in`.
 *
 * @example
 * zoneKeyOf(["America/Denver", "America/Chicago"]) // "America/Chicago|America/Denver"
 */
export function zoneKeyOf(zones: readonly string[]): string {
  // Most numbers have one zone or none: their key needs no set and no sort.
  if (zones.length === 0) return "";
  if (zones.length === 1) return zones[0]!;
  return [...new Set(zones)].sort().join("|");
}

/** The zones a key stands for; none for {@link FALLBACK_ZONE_KEY}. */
export function zonesOfKey(key: string): string[] {
  return key === FALLBACK_ZONE_KEY ? [] : key.split("|");
}

/**
 * Which of `keys` may be called at `now` under recipient-local `hours`:
 * a key is open when every one of its zones is inside the window, the
 * fallback key when the fallback zone is.
 */
export function openZoneKeys(hours: CallingHours, keys: Iterable<string>, now: Date): string[] {
  const fallback = hours.fallbackTimeZone ?? "UTC";
  return [...keys].filter((key) => {
    const zones = zonesOfKey(key);
    return (zones.length > 0 ? zones : [fallback]).every((zone) => isOpenInZone(hours, zone, now));
  });
}
