import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from "prom-client";
import type { DispatchMetrics, HandOffResult } from "./dispatch-metrics.ts";

/** The dispatcher's registry, readable as Prometheus text. */
export interface DispatcherMetrics extends DispatchMetrics {
  scrape(): Promise<{ contentType: string; text: string }>;
}

// "suppressed" counts leads not handed off at all, so it has no duration.
const HAND_OFF_RESULTS: readonly (HandOffResult | "suppressed")[] = ["delivered", "retried", "failed", "suppressed"];

/**
 * Hand-offs by result, their latency, leases given back, and the number of
 * due leads. That count is a database query: it is sampled at most once per
 * `dueSampleMs`, however often Prometheus scrapes, and a failed sample keeps
 * the last value rather than failing the scrape.
 */
export function createDispatcherMetrics(options: {
  countDueLeads(): Promise<number>;
  dueSampleMs: number;
}): DispatcherMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const registers = [registry];
  const handOffs = new Counter({
    name: "leadline_dispatcher_hand_offs_total",
    help: "Hand-offs to the dialer by result: delivered, retried later, failed for good, or suppressed (the number was on a suppression list when claimed; nothing sent)",
    labelNames: ["result"] as const,
    registers,
  });
  const duration = new Histogram({
    name: "leadline_dispatcher_hand_off_duration_seconds",
    help: "Time from posting a lead to the dialer to its answer (or timeout), by result",
    labelNames: ["result"] as const,
    buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers,
  });
  const released = new Counter({
    name: "leadline_dispatcher_leases_released_total",
    help: "Leases given back untried at shutdown, so another worker takes the lead at once",
    registers,
  });
  let sample: { value: number; at: number } | undefined;
  let sampling: Promise<void> | undefined;
  const refresh = () =>
    (sampling ??= options
      .countDueLeads()
      .then((value) => {
        sample = { value, at: Date.now() };
      })
      .catch(() => undefined)
      .finally(() => {
        sampling = undefined;
      }));
  new Gauge({
    name: "leadline_dispatcher_due_leads",
    help: "Leads due for a hand-off now in campaigns that may call now (sampled, at most every few seconds)",
    registers,
    async collect() {
      if (!sample || Date.now() - sample.at >= options.dueSampleMs) await refresh();
      if (sample) this.set(sample.value);
    },
  });
  for (const result of HAND_OFF_RESULTS) handOffs.inc({ result }, 0);

  return {
    handOffFinished(result, seconds) {
      handOffs.inc({ result });
      duration.observe({ result }, seconds);
    },
    leadSuppressed() {
      handOffs.inc({ result: "suppressed" });
    },
    leaseReleased() {
      released.inc();
    },
    async scrape() {
      return { contentType: registry.contentType, text: await registry.metrics() };
    },
  };
}
