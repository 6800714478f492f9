import { readFile } from "node:fs/promises";
import { createZoneLookup, timeZoneDataUrl } from "@leadline/db";
import { summarize, type Summary } from "../stats.ts";

export interface ZoneLookupResult {
  numbers: number;
  rounds: number;
  /** Each sample: the lookups of 1000 numbers of the mix, in µs per number; `rounds` passes over the mix. */
  microsPerLead: Summary;
  /** Share of the mix that got at least one zone (the rest falls back to the campaign's zone). */
  zonedShare: number;
}

/**
 * A realistic recipient mix: mostly North American numbers over many area
 * codes (including multi-zone ones such as 605 and the country-wide +1
 * fallbacks), and numbers of two dozen other countries with their
 * national prefixes (mobile and landline, multi-zone countries such as
 * Russia, Brazil, Australia, Mexico, Indonesia). Subscriber digits come
 * from a fixed seed, so every run looks up the same numbers.
 */
const CHUNK = 1000;

const PREFIXES: [prefix: string, digits: number, weight: number][] = [
  // +1: area codes of one zone, of two (605, 208, 850), Canada, the Caribbean, toll-free.
  ...["201", "212", "305", "312", "415", "512", "617", "702", "713", "808", "907", "206", "404", "480", "303"].map(
    (area): [string, number, number] => [`1${area}`, 11, 4],
  ),
  ...["605", "208", "850", "541", "270", "931"].map((area): [string, number, number] => [`1${area}`, 11, 2]),
  ...["416", "604", "403", "902", "709", "867"].map((area): [string, number, number] => [`1${area}`, 11, 2]),
  ["1787", 11, 1],
  ["1876", 11, 1],
  ["1800", 11, 1],
  // Europe.
  ["4420", 12, 2],
  ["44161", 12, 1],
  ["447", 12, 2],
  ["4930", 12, 2],
  ["4989", 12, 1],
  ["49151", 13, 1],
  ["331", 11, 2],
  ["336", 11, 2],
  ["3491", 11, 1],
  ["346", 11, 1],
  ["3906", 12, 1],
  ["393", 12, 1],
  ["3120", 11, 1],
  ["316", 11, 1],
  ["351", 11, 1],
  ["4822", 11, 1],
  // Multi-zone countries and others.
  ["7495", 11, 2],
  ["7383", 11, 1],
  ["7914", 11, 1],
  ["5511", 13, 2],
  ["5592", 13, 1],
  ["55119", 13, 1],
  ["612", 11, 1],
  ["618", 11, 1],
  ["614", 11, 1],
  ["5255", 12, 1],
  ["52664", 12, 1],
  ["6221", 12, 1],
  ["62812", 13, 1],
  ["9198", 12, 2],
  ["8190", 12, 1],
  ["863", 12, 1],
  ["86138", 13, 1],
  ["2711", 11, 1],
  ["23480", 13, 1],
  ["5411", 12, 1],
  ["5730", 12, 1],
  ["6421", 11, 1],
  ["9715", 12, 1],
  ["6591", 10, 1],
];

/** A deterministic mix of `count` E.164 numbers. */
export function zoneLookupMix(count: number): string[] {
  const weighted = PREFIXES.flatMap((entry) => Array.from({ length: entry[2] }, () => entry));
  let seed = 0x2545f491;
  const random = () => {
    seed ^= seed << 13;
    seed ^= seed >>> 17;
    seed ^= seed << 5;
    return (seed >>> 0) / 2 ** 32;
  };
  return Array.from({ length: count }, () => {
    const [prefix, digits] = weighted[Math.floor(random() * weighted.length)]!;
    let number = prefix;
    while (number.length < digits) number += Math.floor(random() * 10);
    return `+${number}`;
  });
}

/**
 * The recipient time-zone lookup the API runs on every lead
 * (`createZoneLookup(...).zonesOf`), in process: `rounds` passes over a
 * mix of `numbers` numbers, after three warm-up passes.
 */
export async function runZoneLookup(numbers: number, rounds: number): Promise<ZoneLookupResult> {
  const lookup = createZoneLookup(await readFile(timeZoneDataUrl()));
  const mix = zoneLookupMix(numbers);
  let zoned = 0;
  for (const phone of mix) if (lookup.zonesOf(phone).length > 0) zoned++;
  let sink = 0;
  for (let i = 0; i < 3; i++) for (const phone of mix) sink += lookup.zonesOf(phone).length;
  // Timed in chunks of 1000 numbers (a few hundred µs each), so that on a shared machine most
  // samples run without being descheduled and the median shows the lookup, not the neighbours.
  const perLead: number[] = [];
  for (let round = 0; round < rounds; round++) {
    for (let at = 0; at < mix.length; at += CHUNK) {
      const end = Math.min(mix.length, at + CHUNK);
      const started = performance.now();
      for (let i = at; i < end; i++) sink += lookup.zonesOf(mix[i]!).length;
      perLead.push(((performance.now() - started) * 1000) / (end - at));
    }
  }
  if (sink < 0) throw new Error("unreachable");
  return { numbers, rounds, microsPerLead: summarize(perLead), zonedShare: zoned / mix.length };
}
