/** Summary of repeated measurements: median and spread. */
export interface Summary {
  n: number;
  median: number;
  p5: number;
  p95: number;
  p99: number;
  min: number;
  max: number;
}

function quantile(sorted: number[], q: number): number {
  if (sorted.length === 0) return Number.NaN;
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
  return sorted[index]!;
}

export function summarize(values: number[]): Summary {
  const sorted = [...values].sort((a, b) => a - b);
  return {
    n: sorted.length,
    median: quantile(sorted, 0.5),
    p5: quantile(sorted, 0.05),
    p95: quantile(sorted, 0.95),
    p99: quantile(sorted, 0.99),
    min: sorted[0] ?? Number.NaN,
    max: sorted.at(-1) ?? Number.NaN,
  };
}

export const round = (value: number, digits = 2) => Number(value.toFixed(digits));

/** `12.3 ms (p5 10.1, p95 15.0, n 30)` */
export const describe = (summary: Summary, unit: string) =>
  `${round(summary.median)} ${unit} (p5 ${round(summary.p5)}, p95 ${round(summary.p95)}, n ${summary.n})`;

export async function timed<T>(work: () => Promise<T>): Promise<{ ms: number; value: T }> {
  const started = performance.now();
  const value = await work();
  return { ms: performance.now() - started, value };
}

/**
 * Runs `round` `warmup + rounds` times and summarises each figure it answers over the rounds
 * after the warm-up, which only let caches and connections settle.
 *
 * @example
 * const { plainMs, keyedMs } = await timedRounds(30, 3, async () => ({
 *   plainMs: (await timed(() => post(plain))).ms,
 *   keyedMs: (await timed(() => post(keyed, key))).ms,
 * }));
 */
export async function timedRounds<TName extends string>(
  rounds: number,
  warmup: number,
  round: (index: number) => Promise<Record<TName, number>>,
): Promise<Record<TName, Summary>> {
  const samples = {} as Record<TName, number[]>;
  for (let i = 0; i < rounds + warmup; i++) {
    const figures = await round(i);
    for (const name of Object.keys(figures) as TName[]) {
      samples[name] ??= [];
      if (i >= warmup) samples[name].push(figures[name]);
    }
  }
  const summaries = {} as Record<TName, Summary>;
  for (const name of Object.keys(samples) as TName[]) summaries[name] = summarize(samples[name]);
  return summaries;
}
