import { z } from "zod";
import {
  DEFAULT_MAX_ATTEMPTS,
  MAX_ATTEMPTS_LIMIT,
  callingHoursSchema,
  campaignStatusSchema,
} from "./campaign-schemas.ts";

const timestamp = () => z.string().meta({ format: "date-time", example: "2026-01-14T09:30:00.000Z" });

export const campaignViewSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    status: campaignStatusSchema,
    callingHours: callingHoursSchema
      .nullable()
      .meta({ description: "When the campaign may call; null means any time" }),
    maxAttempts: z.int().meta({ description: "Hand-off attempts per lead before it is marked failed" }),
    createdAt: timestamp(),
    updatedAt: timestamp(),
  })
  .meta({ id: "Campaign" });

export type CampaignView = z.infer<typeof campaignViewSchema>;

export const leadStateSchema = z
  .enum(["pending", "dispatching", "dispatched", "failed"], {
    error: 'must be one of "pending", "dispatching", "dispatched", "failed"',
  })
  .meta({ description: "pending → dispatching (leased by a worker) → dispatched, or failed after the last attempt" });

export const leadViewSchema = z
  .object({
    id: z.string(),
    campaignId: z.string(),
    phoneNumber: z.string(),
    externalId: z.string().nullable(),
    metadata: z.record(z.string(), z.unknown()).nullable(),
    scheduledFor: timestamp().nullable(),
    priority: z.int(),
    state: leadStateSchema,
    attempts: z.int(),
    nextAttemptAt: timestamp(),
    lastError: z.string().nullable(),
    dispatchedAt: timestamp().nullable(),
    failedAt: timestamp().nullable(),
    createdAt: timestamp(),
    updatedAt: timestamp(),
  })
  .meta({ id: "Lead" });

export type LeadView = z.infer<typeof leadViewSchema>;

export const campaignStatsSchema = z.object({
  campaignId: z.string(),
  total: z.int(),
  byState: z.object({ pending: z.int(), dispatching: z.int(), dispatched: z.int(), failed: z.int() }),
});

const nameSchema = z
  .string({ error: (issue) => (issue.input === undefined ? "is required" : "must be a string") })
  .trim()
  .min(1, "must not be empty")
  .max(200, "must be at most 200 characters");

const maxAttemptsProblem = `must be an integer from 1 to ${MAX_ATTEMPTS_LIMIT}`;
const maxAttemptsSchema = z
  .int({ error: maxAttemptsProblem })
  .min(1, maxAttemptsProblem)
  .max(MAX_ATTEMPTS_LIMIT, maxAttemptsProblem)
  .meta({ description: `Hand-off attempts per lead, default ${DEFAULT_MAX_ATTEMPTS}` });

const statusSchema = z.enum(["active", "paused"], { error: 'must be "active" or "paused"' });

export const campaignSettingsSchema = {
  name: nameSchema,
  status: statusSchema,
  callingHours: callingHoursSchema.nullable(),
  maxAttempts: maxAttemptsSchema,
};
