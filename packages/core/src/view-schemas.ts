import { z } from "zod";
import { callingHoursSchema, campaignStatusSchema } from "./campaign-schemas.ts";
import { byLeadState, leadStateSchema } from "./lead-state.ts";

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
  byState: z.object(byLeadState(() => z.int())),
});
