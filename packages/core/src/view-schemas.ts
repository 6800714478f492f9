import { z } from "zod";
import { callingHoursSchema, campaignStatusSchema } from "./campaign-schemas.ts";
import { CALL_OUTCOMES, callOutcomeSchema, outcomeEntrySchema } from "./outcome-schemas.ts";
import { byLeadState, leadStateSchema } from "./lead-lifecycle/lead-states.ts";

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
    retryPolicy: z
      .object({ no_answer: z.int(), busy: z.int(), voicemail: z.int(), failed: z.int() })
      .meta({ description: "Minutes before a lead is called again after each outcome" }),
    defaultCountry: z.string().nullable().meta({
      description: "Country of national numbers in bulk requests; null: numbers must start with +",
      example: "US",
    }),
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
    timeZone: z.string().nullable().meta({ description: "The zone given with the lead, which wins over its number's" }),
    zones: z.array(z.string()).meta({
      description:
        "The zones recipient-local calling hours read for this lead; empty when unknown or country-wide (the campaign's fallback zone is read)",
    }),
    lastOutcome: callOutcomeSchema.nullable(),
    completedAt: timestamp().nullable(),
    suppressedAt: timestamp().nullable(),
    suppressionReason: z.string().nullable(),
    outcomes: z.array(outcomeEntrySchema).meta({ description: "Reported call outcomes, oldest first, at most 20" }),
    createdAt: timestamp(),
    updatedAt: timestamp(),
  })
  .meta({ id: "Lead" });

export type LeadView = z.infer<typeof leadViewSchema>;

export const campaignStatsSchema = z.object({
  campaignId: z.string(),
  total: z.int(),
  byState: z.object(byLeadState(() => z.int())),
  byLastOutcome: z.object(Object.fromEntries(CALL_OUTCOMES.map((outcome) => [outcome, z.int()]))).meta({
    description: "Leads by the last outcome reported for them",
  }),
});
