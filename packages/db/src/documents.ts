import type {
  CallOutcome,
  CallingHours,
  CampaignStatus,
  ImportFormat,
  ImportOptions,
  ImportState,
  LeadState,
  RetryPolicy,
  SuppressionSource,
} from "@leadline/core";
import type { ObjectId } from "mongodb";
import type { OwedEvent } from "./owed-events.ts";

export interface AccountDoc {
  _id: ObjectId;
  name: string;
  createdAt: Date;
}

/** `dialer` keys report call outcomes and nothing else. */
export type ApiKeyScope = "read" | "write" | "dialer";

export interface ApiKeyDoc {
  _id: ObjectId;
  accountId: ObjectId;
  /** SHA-256 of the whole key, hex; the key itself is never stored. */
  keyHash: string;
  /** The first characters of the key, so people can tell keys apart in listings. */
  displayPrefix: string;
  name: string;
  scopes: ApiKeyScope[];
  createdAt: Date;
  revokedAt?: Date;
}

export interface CampaignDoc {
  _id: ObjectId;
  accountId: ObjectId;
  name: string;
  status: CampaignStatus;
  /** Null: the campaign may call at any time. */
  callingHours: CallingHours | null;
  /** Hand-off attempts per lead before it is marked failed. */
  maxAttempts: number;
  /** Absent on campaigns stored before retry policies: they use the defaults. */
  retryPolicy?: Partial<RetryPolicy>;
  /** ISO 3166-1 alpha-2: bulk requests read numbers without `+` as its national numbers. Absent or null: none. */
  defaultCountry?: string | null;
  createdAt: Date;
  updatedAt: Date;
}

/** An account's campaign count, kept beside its campaigns so that the cap holds under concurrent creates. */
export interface CampaignCounterDoc {
  /** The account's id. */
  _id: ObjectId;
  campaigns: number;
  /** When a slot was last taken; absent on counters no create has reserved through since they were stamped. */
  reservedAt?: Date;
}

export interface LeadDoc {
  _id: ObjectId;
  accountId: ObjectId;
  campaignId: ObjectId;
  /** E.164; unique within a campaign. */
  phoneNumber: string;
  externalId?: string;
  metadata?: Record<string, unknown>;
  scheduledFor?: Date;
  priority: number;
  state: LeadState;
  attempts: number;
  /**
   * The last attempt whose result sent the lead round again (a retry scheduled, an outcome
   * applied): a claim past the next attempt took over a dead worker's hand-off (`hand-off-replays.ts`).
   */
  settledAttempts?: number;
  /**
   * How many claims in a row took over the hand-off of attempt `takeOverAttempt` from a worker
   * that died before recording it: past the dispatcher's `DISPATCH_MAX_TAKE_OVERS` the lead fails.
   */
  takeOvers?: number;
  takeOverAttempt?: number;
  /** When the lead may next be handed to the dialer: its schedule, or its creation, or a retry time. */
  nextAttemptAt: Date;
  /** Set while `dispatching`: which worker holds the lead, and until when. */
  leaseOwner?: string;
  leaseExpiresAt?: Date;
  /** Set by a batch claim: which claim leased the lead, so that it reads back only its own. */
  leaseToken?: string;
  lastError?: string;
  dispatchedAt?: Date;
  failedAt?: Date;
  /** The zone given with the lead, which wins over the number's. */
  timeZone?: string;
  /** Zones recipient-local hours read; empty: unknown or country-wide, read in the campaign's fallback zone. */
  zones?: string[];
  /** `zoneKeyOf(zones)`: what the claim filters on. Absent on leads stored before zones (the fallback key). */
  zoneKey?: string;
  lastOutcome?: CallOutcome;
  /** Reported outcomes, one per attempt at most, oldest first. */
  outcomes?: OutcomeEntry[];
  completedAt?: Date;
  suppressedAt?: Date;
  suppressionReason?: string;
  /**
   * The Idempotency-Key record of the request that stored the lead, when it
   * carried one: how a retry after a crash tells its own leads from others.
   */
  createdByRequest?: ObjectId;
  /** The import job that stored the lead, and the file line it came from: how a resumed job tells its own rows from duplicates. */
  importId?: ObjectId;
  importLine?: number;
  /**
   * The webhook event a terminal transition owes, set by that transition's
   * own update and cleared by the recovery sweep (see `lead-lifecycle/lead-events.ts`).
   */
  pendingEvent?: OwedEvent<"lead.completed" | "lead.failed" | "lead.suppressed">;
  createdAt: Date;
  updatedAt: Date;
}

export interface OutcomeEntry {
  attempt: number;
  outcome: CallOutcome;
  occurredAt: Date;
  reportedAt: Date;
  durationSeconds?: number;
  details?: string;
}

export interface SuppressionDoc {
  _id: ObjectId;
  accountId: ObjectId;
  /** Null: every campaign of the account. */
  campaignId: ObjectId | null;
  /** E.164. */
  phoneNumber: string;
  reason?: string;
  source: SuppressionSource;
  createdAt: Date;
}

/** The answer a request with an Idempotency-Key gave, kept for its retries. */
export type StoredAnswer =
  | { kind: "success"; status: number; json: string }
  | { kind: "failure"; code: string; message: string; issues?: { path: string; message: string }[] };

export interface IdempotencyRecordDoc {
  /** Also the marker on leads the request stores ({@link LeadDoc.createdByRequest}). */
  _id: ObjectId;
  accountId: ObjectId;
  operation: string;
  key: string;
  /** SHA-256 of the request body, hex. */
  fingerprint: string;
  state: "running" | "completed";
  /** The attempt running the request; a retry that takes over a dead one's record sets its own. */
  holder: string;
  /** Until when the holder may run; past it (or at once, once released) a retry takes over. */
  lockedUntil: Date;
  answer?: StoredAnswer;
  createdAt: Date;
  completedAt?: Date;
  /** The TTL index deletes the record after this; reads and the sweep check it too. */
  expiresAt: Date;
}

/** Counters an import job checkpoints after every batch. */
export interface ImportCounters {
  rowsProcessed: number;
  created: number;
  skipped: number;
  suppressed: number;
  invalid: number;
}

export interface ImportJobDoc extends ImportCounters {
  _id: ObjectId;
  accountId: ObjectId;
  campaignId: ObjectId;
  /** `uploading` is internal: the body is still arriving, and the job is neither shown nor claimed. */
  state: ImportState | "uploading";
  format: ImportFormat;
  options: ImportOptions;
  /** The upload in the imports GridFS bucket; unset once deleted (the job failed or was cancelled, or the retention time passed). */
  fileId?: ObjectId;
  bytesTotal: number;
  /** Checkpoint: bytes of the file consumed, and the file line they end on. */
  bytesProcessed: number;
  line: number;
  /** CSV column names, read from the header once so that a resumed job can parse from the middle. */
  columns?: string[];
  leaseOwner?: string;
  leaseExpiresAt?: Date;
  /**
   * Claims in a row that found the checkpoint where the claim before left it:
   * a claim after progress starts the count again at 1.
   */
  claims: number;
  /** The checkpoint (`bytesProcessed`) when the job was last claimed. */
  claimedAtBytes?: number;
  /** While uploading: the bytes the upload may still store, counted against the account's stored-bytes quota. */
  reservedBytes?: number;
  /** Claim order across accounts, given when queued: an account's next job waits for every other account's turn. */
  turn?: number;
  error?: string;
  /** The webhook event the job's end owes, set by the finishing update and cleared by the recovery sweep (see `owed-events.ts`). */
  pendingEvent?: OwedEvent<"import.completed" | "import.failed">;
  createdAt: Date;
  startedAt?: Date;
  finishedAt?: Date;
}

/** One rejected row of an import, for its error report. */
export interface ImportErrorDoc {
  _id: ObjectId;
  importId: ObjectId;
  line: number;
  error: string;
  /** The row as it was in the file: its CSV fields, or the NDJSON line. */
  fields: string[];
}

/** A state change waiting to be delivered to the account's webhooks. */
export interface OutboxEventDoc {
  /** The event id (`Leadline-Event-Id`): derived from the state change, so writing it twice stores it once. */
  _id: string;
  accountId: ObjectId;
  type: string;
  payload: Record<string, unknown>;
  createdAt: Date;
  /** Set once a delivery has been planned for every endpoint subscribed at that moment. */
  fannedOutAt?: Date;
}

/** An account's webhook endpoint. */
export interface WebhookEndpointDoc {
  _id: ObjectId;
  accountId: ObjectId;
  url: string;
  /** Event types it receives, each at most once. */
  events: string[];
  /**
   * The signing secret, as is: unlike API keys it cannot be stored hashed,
   * since the delivery loop needs it to compute each HMAC. It is shown to
   * the caller only in the answer that created it.
   */
  secret: string;
  createdAt: Date;
  /**
   * Attempts in flight to this endpoint, one per slot (`s0`, `s1`, …, at most
   * WEBHOOK_ENDPOINT_CONCURRENCY), each held by one attempt until it ends or
   * its lease runs out.
   */
  sendSlots?: Record<string, { holder: string; until: Date }>;
  /** Failed attempts in a row (circuit breaker); a delivery resets it. */
  consecutiveFailures?: number;
  /** While in the future, the breaker is open: the endpoint's deliveries wait until then, holding no slot. */
  breakerOpenUntil?: Date;
}

export type WebhookDeliveryState = "pending" | "delivered" | "failed";

/** One event's delivery to one endpoint, with its attempts so far. */
export interface WebhookDeliveryDoc {
  /** `<eventId>|<endpointId>`: fanning an event out twice plans each delivery once. */
  _id: string;
  accountId: ObjectId;
  endpointId: ObjectId;
  eventId: string;
  eventType: string;
  state: WebhookDeliveryState;
  attempts: number;
  /** When the next attempt is due; meaningful while `pending`. */
  nextAttemptAt: Date;
  /** The loop process sending it right now, and until when; a dead one's lease runs out. */
  leaseOwner?: string;
  leaseExpiresAt: Date;
  /** Moved past its endpoint's busy send slots: the first slot freed makes one such delivery due at once. */
  waitingForSlot?: true;
  lastStatusCode?: number;
  lastError?: string;
  firstAttemptAt?: Date;
  lastAttemptAt?: Date;
  deliveredAt?: Date;
  failedAt?: Date;
  createdAt: Date;
  updatedAt: Date;
}
