/**
 * The `index`th of an endless series of distinct, possible North American
 * numbers in E.164: `+1`, the area code, seven digits. Past ten million
 * numbers the series moves on to the next area code.
 *
 * @example
 * testPhone(42, 212) // "+12120000042"
 */
export function testPhone(index: number, areaCode = 555): string {
  const area = areaCode + Math.floor(index / 10_000_000);
  return `+1${area}${String(index % 10_000_000).padStart(7, "0")}`;
}

/** `count` numbers of {@link testPhone}'s series, from its `start`th. */
export function testPhones(count: number, start = 0, areaCode = 555): string[] {
  return Array.from({ length: count }, (_, i) => testPhone(start + i, areaCode));
}
