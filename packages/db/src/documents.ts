import type { CallingHours, CampaignStatus, ImportFormat, ImportOptions, ImportState, LeadState } from "@leadline/core";
import type { ObjectId } from "mongodb";

export interface AccountDoc {
  _id: ObjectId;
  name: string;
  createdAt: Date;
}

export type ApiKeyScope = "read" | "write";

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
  createdAt: Date;
  updatedAt: Date;
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
  /** When the lead may next be handed to the dialer: its schedule, or its creation, or a retry time. */
  nextAttemptAt: Date;
  /** Set while `dispatching`: which worker holds the lead, and until when. */
  leaseOwner?: string;
  leaseExpiresAt?: Date;
  lastError?: string;
  dispatchedAt?: Date;
  failedAt?: Date;
  /** The import job that stored the lead, and the file line it came from: how a resumed job tells its own rows from duplicates. */
  importId?: ObjectId;
  importLine?: number;
  createdAt: Date;
  updatedAt: Date;
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
  /** The upload in the imports GridFS bucket; unset once deleted after the retention time. */
  fileId?: ObjectId;
  bytesTotal: number;
  /** Checkpoint: bytes of the file consumed, and the file line they end on. */
  bytesProcessed: number;
  line: number;
  /** CSV column names, read from the header once so that a resumed job can parse from the middle. */
  columns?: string[];
  leaseOwner?: string;
  leaseExpiresAt?: Date;
  /** Times the job was claimed; more than one means it was resumed. */
  claims: number;
  error?: string;
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
