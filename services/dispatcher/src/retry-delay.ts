/**
 * Delay before attempt `attempts + 1`: exponential from `baseMs`, capped at
 * `maxMs`, with "equal jitter" (half fixed, half random) so that delays keep
 * growing while workers do not retry in lockstep. A dialer's Retry-After
 * wins when it asks for longer.
 */
export function retryDelayMs(
  attempts: number,
  options: { baseMs: number; maxMs: number; retryAfterMs?: number | undefined },
  random: () => number = Math.random,
): number {
  const ceiling = Math.min(options.maxMs, options.baseMs * 2 ** Math.max(0, attempts - 1));
  const backoff = Math.round(ceiling / 2 + (random() * ceiling) / 2);
  return Math.max(backoff, options.retryAfterMs ?? 0);
}
