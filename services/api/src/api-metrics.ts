import type { LeadMetrics, LeadMetricOutcome } from "@leadline/api";
import { Counter, Histogram, Registry, collectDefaultMetrics } from "prom-client";

/** What the edge knows once a request is answered. `route` is a bounded template, never the raw path. */
export interface AnsweredRequest {
  route: string;
  method: string;
  status: number;
  seconds: number;
}

/** One API instance's metrics: its own registry, so several instances in one process never collide. */
export interface ApiMetrics extends LeadMetrics {
  requestAnswered(request: AnsweredRequest): void;
  /** The Prometheus text exposition of this instance's registry. */
  scrape(): Promise<{ contentType: string; text: string }>;
}

// Anything else a client sends would mint a new series per invented method.
const KNOWN_METHODS = new Set(["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]);
const LEAD_OUTCOMES: readonly LeadMetricOutcome[] = ["created", "duplicate", "suppressed"];

/**
 * Request, lead and failure counters for `GET /metrics`. Labels are bounded
 * (route template, method, status, outcome): no keys, phone numbers, leads
 * or accounts.
 */
export function createApiMetrics(options: { processMetrics: boolean }): ApiMetrics {
  const registry = new Registry();
  if (options.processMetrics) collectDefaultMetrics({ register: registry });
  const registers = [registry];
  const requests = new Counter({
    name: "leadline_http_requests_total",
    help: "HTTP requests answered, by route template, method and status",
    labelNames: ["route", "method", "status"] as const,
    registers,
  });
  const duration = new Histogram({
    name: "leadline_http_request_duration_seconds",
    help: "Time from receiving a request to having its response, by route template and method",
    labelNames: ["route", "method"] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers,
  });
  const leads = new Counter({
    name: "leadline_leads_total",
    help: "Submitted leads by outcome",
    labelNames: ["outcome"] as const,
    registers,
  });
  const rateLimited = new Counter({
    name: "leadline_rate_limited_total",
    help: "Requests refused with 429 by a rate limiter, by route template",
    labelNames: ["route"] as const,
    registers,
  });
  const databaseUnavailable = new Counter({
    name: "leadline_database_unavailable_total",
    help: "Requests answered 503 because the database could not be reached, by route template",
    labelNames: ["route"] as const,
    registers,
  });
  // Zero series from the start, so a rate() over them works before the first lead.
  for (const outcome of LEAD_OUTCOMES) leads.inc({ outcome }, 0);

  return {
    countLeads(outcome, count) {
      if (count > 0) leads.inc({ outcome }, count);
    },
    requestAnswered({ route, method, status, seconds }) {
      const knownMethod = KNOWN_METHODS.has(method) ? method : "other";
      requests.inc({ route, method: knownMethod, status: String(status) });
      duration.observe({ route, method: knownMethod }, seconds);
      // The error table maps only RATE_LIMITED to 429 and only SERVICE_UNAVAILABLE (database down) to 503.
      if (status === 429) rateLimited.inc({ route });
      if (status === 503) databaseUnavailable.inc({ route });
    },
    async scrape() {
      return { contentType: registry.contentType, text: await registry.metrics() };
    },
  };
}
