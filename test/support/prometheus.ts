import parsePrometheusTextFormat, { type PrometheusFamily } from "parse-prometheus-text-format";

/** One scrape of a `/metrics` endpoint, parsed by a Prometheus text-format parser. */
export interface Scrape {
  text: string;
  families: Map<string, PrometheusFamily>;
  /** A counter's or gauge's value, or a histogram's `_count`, for exactly these labels; 0 when the series is absent. */
  value(name: string, labels?: Record<string, string>): number;
}

const sameLabels = (a: Record<string, string> = {}, b: Record<string, string>) =>
  Object.keys(a).length === Object.keys(b).length && Object.entries(b).every(([key, value]) => a[key] === value);

/** GETs `url`, checks it is Prometheus text, and parses it. */
export async function scrape(url: string): Promise<Scrape> {
  const response = await fetch(url);
  if (response.status !== 200) throw new Error(`${url} answered ${response.status}`);
  if (!response.headers.get("content-type")?.startsWith("text/plain; version=0.0.4"))
    throw new Error(`${url} is not Prometheus text: ${response.headers.get("content-type")}`);
  const text = await response.text();
  const families = new Map(parsePrometheusTextFormat(text).map((family) => [family.name, family]));
  // The parser folds a histogram's labelled series into one; read as untyped, each
  // `_bucket`, `_sum` and `_count` line keeps its labels.
  const untyped = text.replace(/^# TYPE (\S+) histogram$/gm, "# TYPE $1 untyped");
  const series = parsePrometheusTextFormat(untyped);
  return {
    text,
    families,
    value(name, labels = {}) {
      const seriesName = families.get(name)?.type === "HISTOGRAM" ? `${name}_count` : name;
      const sample = series
        .filter((family) => family.name === seriesName)
        .flatMap((family) => family.metrics)
        .find((candidate) => sameLabels(candidate.labels, labels));
      return Number(sample?.value ?? 0);
    },
  };
}
