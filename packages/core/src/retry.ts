/**
 * Delay before attempt `attempts + 1`: exponential from `baseMs`, capped at
 * `maxMs`, with "equal jitter" (half fixed, half random) so that delays keep
 * growing while clients do not retry in lockstep, or with `jitter: "full"`
 * (anywhere from 0 to the ceiling), which spreads many senders retrying
 * against one receiver best. A server's Retry-After wins when it asks for
 * longer.
 *
 * @example
 * backoffDelayMs(3, { baseMs: 1000, maxMs: 60_000 }) // 2000 to 4000
 * backoffDelayMs(3, { baseMs: 1000, maxMs: 60_000, jitter: "full" }) // 0 to 4000
 */
export function backoffDelayMs(
  attempts: number,
  options: { baseMs: number; maxMs: number; retryAfterMs?: number | undefined; jitter?: "equal" | "full" },
  random: () => number = Math.random,
): number {
  const ceiling = Math.min(options.maxMs, options.baseMs * 2 ** Math.max(0, attempts - 1));
  const fixed = options.jitter === "full" ? 0 : ceiling / 2;
  const backoff = Math.round(fixed + random() * (ceiling - fixed));
  return Math.max(backoff, options.retryAfterMs ?? 0);
}

/**
 * What a `Retry-After` header asks for, in milliseconds: delay-seconds or an
 * HTTP date. Undefined when there is none or it cannot be read.
 *
 * @example
 * parseRetryAfterMs("120") // 120000
 */
export function parseRetryAfterMs(header: string | null | undefined, now: number = Date.now()): number | undefined {
  if (!header) return undefined;
  const seconds = Number(header);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const date = Date.parse(header);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}
