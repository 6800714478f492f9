import type { ApiKeyDoc, CampaignDoc, Repositories } from "@leadline/db";
import { TtlCache } from "./ttl-cache.ts";
import type { Logger } from "./logger.ts";
import type { Limiters } from "./rate-limit/limiters.ts";
import type { ZoneLookup } from "@leadline/db";

/** What every request's handlers share: stores, limiters and settings. */
export interface ApiDeps {
  repos: Repositories;
  limiters: Limiters;
  log: Logger;
  caches: ApiCaches;
  metrics: LeadMetrics;
  /** The time zones of phone numbers, for recipient-local calling hours. */
  zones: ZoneLookup;
  idempotency: IdempotencySettings;
  webhooks: WebhookSettings;
  campaigns: CampaignSettings;
}

/** What campaign creation accepts (MAX_CAMPAIGNS_PER_ACCOUNT). */
export interface CampaignSettings {
  /** Campaigns one account may have: bounds the dispatcher's and the listings' work per account. */
  maxPerAccount: number;
}

/** What webhook registration accepts (WEBHOOK_* settings). */
export interface WebhookSettings {
  /** Hosts an `http` URL may name (WEBHOOK_ALLOW_HOSTS); any other host needs `https`. Lower case. */
  allowHosts: string[];
  /** WEBHOOK_ALLOW_PRIVATE: IP-literal URLs in private, loopback and link-local ranges are accepted. */
  allowPrivate: boolean;
  /** WEBHOOK_MAX_PER_ACCOUNT: endpoints one account may register. */
  maxPerAccount: number;
}

/** How Idempotency-Key records are kept. */
export interface IdempotencySettings {
  /** How long a key and its answer are kept (24 h). */
  ttlMs: number;
  /**
   * How long a request holding a key may run before a retry presumes it
   * dead and takes over: longer than any request takes.
   */
  leaseMs: number;
}

/** The `outcome` label of the leads-ingested metric: what happened to a submitted lead; later outcomes (invalid…) join it. */
export type LeadMetricOutcome = "created" | "duplicate" | "suppressed";

/**
 * Where procedures report lead outcomes. The service backs it with its
 * metrics registry, so this package needs no metrics library.
 */
export interface LeadMetrics {
  countLeads(outcome: LeadMetricOutcome, count: number): void;
}

/**
 * Per-process caches that spare the hot path two database round trips.
 * Only found keys are cached, for `apiKeyTtlMs` (so a revoked key stops
 * working within that time); campaigns never change owner, so their
 * ownership can be kept for a minute.
 */
export interface ApiCaches {
  apiKeysByHash: TtlCache<ApiKeyDoc>;
  campaignOwnership: TtlCache<CampaignDoc>;
  /** Addresses this process saw go over the auth-failure budget, and until when (epoch ms). */
  blockedAddresses: TtlCache<number>;
}

export function createApiCaches(options: { apiKeyTtlMs: number }): ApiCaches {
  return {
    apiKeysByHash: new TtlCache(options.apiKeyTtlMs, 10_000),
    campaignOwnership: new TtlCache(60_000, 10_000),
    // The entry holds its own end; the TTL only bounds how long a stale one is kept.
    blockedAddresses: new TtlCache(60 * 60_000, 10_000),
  };
}

/** The transport-neutral view of one request, built by the HTTP layer. */
export interface RequestInfo {
  /** Value of the `x-api-key` header, if any. */
  apiKey: string | undefined;
  /** The caller's address, used to limit failed authentication. */
  clientAddress: string;
  /** Sets a response header (rate-limit budget and the like). */
  setHeader(name: string, value: string): void;
  /** Request id for log lines. */
  requestId: string;
  /** Value of the `Idempotency-Key` header, if any. */
  idempotencyKey?: string;
  /** Sets the status of a successful REST answer (default 200); tRPC answers 200 regardless. */
  setStatus?(status: number): void;
}

export interface Context extends RequestInfo {
  deps: ApiDeps;
}

export function createContext(deps: ApiDeps, request: RequestInfo): Context {
  return { ...request, deps };
}
