import { z } from "zod";
import { countryCodeSchema } from "./country-code.ts";

const TIME_OF_DAY = /^([01]\d|2[0-3]):[0-5]\d$/;

const isTimeZone = (zone: string): boolean => {
  try {
    new Intl.DateTimeFormat("en-US", { timeZone: zone });
    return true;
  } catch {
    return false;
  }
};

const DAYS_PROBLEM = "must be an array of ISO weekdays, 1 (Monday) to 7 (Sunday)";

const minutesOf = (time: string): number => Number(time.slice(0, 2)) * 60 + Number(time.slice(3, 5));

/** `callingHours.timeZone` value that reads the window on each lead's own clock. */
export const RECIPIENT_TIME_ZONE = "recipient";

const TIME_ZONE_PROBLEM = "must be an IANA time zone such as America/New_York";
/** An IANA time zone name that this runtime's Intl knows. */
export const ianaTimeZoneSchema = z
  .string({ error: TIME_ZONE_PROBLEM })
  .refine(isTimeZone, TIME_ZONE_PROBLEM)
  .meta({ example: "America/New_York" });

/**
 * When a campaign may call: days of the week and a daily window, read in one
 * IANA time zone, or with `timeZone: "recipient"` on each lead's local clock
 * (`fallbackTimeZone` serving leads whose zone is unknown).
 */
export const callingHoursSchema = z
  .strictObject({
    timeZone: z
      .string({ error: `${TIME_ZONE_PROBLEM}, or "recipient"` })
      .refine((zone) => zone === RECIPIENT_TIME_ZONE || isTimeZone(zone), `${TIME_ZONE_PROBLEM}, or "recipient"`)
      .meta({
        description: `An IANA time zone, or "recipient" to read the window on each lead's local clock`,
        example: RECIPIENT_TIME_ZONE,
      }),
    fallbackTimeZone: ianaTimeZoneSchema.optional().meta({
      description: `With timeZone "recipient": the zone for leads whose own zone is unknown or country-wide (required then)`,
      example: "America/New_York",
    }),
    days: z
      .array(z.int({ error: DAYS_PROBLEM }).min(1, DAYS_PROBLEM).max(7, DAYS_PROBLEM), { error: DAYS_PROBLEM })
      .min(1, "must list at least one day")
      .meta({ description: "ISO weekdays: 1 is Monday, 7 is Sunday", example: [1, 2, 3, 4, 5] }),
    start: z.string().regex(TIME_OF_DAY, "must be a time HH:MM").meta({ example: "09:00" }),
    end: z.string().regex(TIME_OF_DAY, "must be a time HH:MM").meta({ example: "17:00" }),
  })
  .refine((hours) => minutesOf(hours.end) > minutesOf(hours.start), { message: "must be after start", path: ["end"] })
  .refine((hours) => hours.timeZone !== RECIPIENT_TIME_ZONE || hours.fallbackTimeZone !== undefined, {
    message: `is required when timeZone is "recipient"`,
    path: ["fallbackTimeZone"],
  });

export type CallingHours = z.infer<typeof callingHoursSchema>;

/** Paused campaigns keep their leads but hand none to the dialer. */
export const campaignStatusSchema = z.enum(["active", "paused"], { error: 'must be "active" or "paused"' });

export type CampaignStatus = z.infer<typeof campaignStatusSchema>;

/**
 * What a campaign created without `callingHours` gets: 8 a.m. to 9 p.m. on
 * the recipient's clock, every day (the US window for telephone
 * solicitations), New York time when the recipient's zone is unknown.
 */
export const DEFAULT_CALLING_HOURS: CallingHours = {
  timeZone: RECIPIENT_TIME_ZONE,
  fallbackTimeZone: "America/New_York",
  days: [1, 2, 3, 4, 5, 6, 7],
  start: "08:00",
  end: "21:00",
};

export const MAX_ATTEMPTS_LIMIT = 20;
export const DEFAULT_MAX_ATTEMPTS = 3;

/**
 * A campaign's hand-off attempts per lead; {@link DEFAULT_MAX_ATTEMPTS} when the campaign is
 * unknown (deleted meanwhile) or predates the setting. Outcomes and the dispatcher both read it.
 */
export const maxAttemptsOf = (campaign: { maxAttempts?: number } | undefined): number =>
  campaign?.maxAttempts ?? DEFAULT_MAX_ATTEMPTS;

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

/** Call outcomes after which the lead is called again, once the campaign's delay for it has passed. */
export const RETRYABLE_OUTCOMES = ["no_answer", "busy", "voicemail", "failed"] as const;
export type RetryableOutcome = (typeof RETRYABLE_OUTCOMES)[number];

/** Minutes to wait before calling again after each retryable outcome. */
export type RetryPolicy = Record<RetryableOutcome, number>;

export const DEFAULT_RETRY_POLICY: RetryPolicy = { no_answer: 240, busy: 30, voicemail: 1440, failed: 60 };

const MAX_RETRY_MINUTES = 30 * 24 * 60;
const retryMinutesProblem = `must be an integer number of minutes from 0 to ${MAX_RETRY_MINUTES}`;
const retryMinutes = (outcome: RetryableOutcome) =>
  z
    .int({ error: retryMinutesProblem })
    .min(0, retryMinutesProblem)
    .max(MAX_RETRY_MINUTES, retryMinutesProblem)
    .meta({ description: `Minutes before calling again after ${outcome}, default ${DEFAULT_RETRY_POLICY[outcome]}` });

/** A retry policy as callers send it: any outcome left out keeps its current (or default) delay. */
export const retryPolicySchema = z
  .strictObject(
    {
      no_answer: retryMinutes("no_answer").optional(),
      busy: retryMinutes("busy").optional(),
      voicemail: retryMinutes("voicemail").optional(),
      failed: retryMinutes("failed").optional(),
    },
    { error: "must be an object with minutes for no_answer, busy, voicemail or failed" },
  )
  .meta({ description: "Minutes before a lead is called again after each outcome" });

/** A campaign's settings as callers send them, field by field, for create and update inputs to pick from. */
export const campaignSettingsSchema = {
  name: nameSchema,
  status: campaignStatusSchema,
  callingHours: callingHoursSchema.nullable(),
  maxAttempts: maxAttemptsSchema,
  retryPolicy: retryPolicySchema,
  defaultCountry: countryCodeSchema.nullable().meta({
    description:
      "ISO 3166-1 alpha-2 country: bulk requests read phone numbers without + as its national numbers, unless the request names its own defaultCountry; null: numbers must start with +",
    example: "US",
  }),
};

const formatters = new Map<string, Intl.DateTimeFormat>();
const WEEKDAYS: Record<string, number> = { Mon: 1, Tue: 2, Wed: 3, Thu: 4, Fri: 5, Sat: 6, Sun: 7 };

/** The wall-clock weekday and minute of `now` in `timeZone` (Intl only, so it runs the same under Node and Deno). */
function wallClock(timeZone: string, now: Date): { day: number | undefined; minute: number } {
  let formatter = formatters.get(timeZone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat("en-US", {
      timeZone,
      weekday: "short",
      hour: "2-digit",
      minute: "2-digit",
      hourCycle: "h23",
    });
    formatters.set(timeZone, formatter);
  }
  const parts = Object.fromEntries(formatter.formatToParts(now).map((part) => [part.type, part.value]));
  return { day: WEEKDAYS[parts.weekday ?? ""], minute: Number(parts.hour) * 60 + Number(parts.minute) };
}

/** True when the window of `hours` is open at `now` on the clock of `timeZone`. */
export function isOpenInZone(hours: CallingHours, timeZone: string, now: Date): boolean {
  const { day, minute } = wallClock(timeZone, now);
  return (
    day !== undefined && hours.days.includes(day) && minute >= minutesOf(hours.start) && minute < minutesOf(hours.end)
  );
}

/**
 * True when a lead whose possible zones are `zones` may be called at `now`.
 * No calling hours means any time; a fixed zone decides for every lead;
 * with `"recipient"` every one of the lead's zones must be inside the
 * window, and a lead with no known zone is read in the fallback zone.
 *
 * @example
 * // +1 605 is in Denver and Chicago time: callable only when both are open.
 * isWithinCallingHours(hours, now, ["America/Chicago", "America/Denver"])
 */
export function isWithinCallingHours(
  hours: CallingHours | null | undefined,
  now: Date,
  zones: readonly string[] = [],
): boolean {
  if (!hours) return true;
  if (hours.timeZone !== RECIPIENT_TIME_ZONE) return isOpenInZone(hours, hours.timeZone, now);
  const readIn = zones.length > 0 ? zones : [hours.fallbackTimeZone ?? "UTC"];
  return readIn.every((zone) => isOpenInZone(hours, zone, now));
}
