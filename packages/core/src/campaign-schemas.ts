import { z } from "zod";

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

/** When a campaign may call: days of the week and a daily window, in one IANA time zone. */
export const callingHoursSchema = z
  .strictObject({
    timeZone: z
      .string({ error: "must be an IANA time zone such as America/New_York" })
      .refine(isTimeZone, "must be an IANA time zone such as America/New_York")
      .meta({ example: "America/New_York" }),
    days: z
      .array(z.int({ error: DAYS_PROBLEM }).min(1, DAYS_PROBLEM).max(7, DAYS_PROBLEM), { error: DAYS_PROBLEM })
      .min(1, "must list at least one day")
      .meta({ description: "ISO weekdays: 1 is Monday, 7 is Sunday", example: [1, 2, 3, 4, 5] }),
    start: z.string().regex(TIME_OF_DAY, "must be a time HH:MM").meta({ example: "09:00" }),
    end: z.string().regex(TIME_OF_DAY, "must be a time HH:MM").meta({ example: "17:00" }),
  })
  .refine((hours) => minutesOf(hours.end) > minutesOf(hours.start), { message: "must be after start", path: ["end"] });

export type CallingHours = z.infer<typeof callingHoursSchema>;

/** Paused campaigns keep their leads but hand none to the dialer. */
export const campaignStatusSchema = z.enum(["active", "paused"], { error: 'must be "active" or "paused"' });

export type CampaignStatus = z.infer<typeof campaignStatusSchema>;

export const MAX_ATTEMPTS_LIMIT = 20;
export const DEFAULT_MAX_ATTEMPTS = 3;

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

/** A campaign's settings as callers send them, field by field, for create and update inputs to pick from. */
export const campaignSettingsSchema = {
  name: nameSchema,
  status: campaignStatusSchema,
  callingHours: callingHoursSchema.nullable(),
  maxAttempts: maxAttemptsSchema,
};

const formatters = new Map<string, Intl.DateTimeFormat>();
const WEEKDAYS: Record<string, number> = { Mon: 1, Tue: 2, Wed: 3, Thu: 4, Fri: 5, Sat: 6, Sun: 7 };

/**
 * True when `now` falls inside the calling hours, read on the wall clock of
 * their time zone (Intl only, so it runs the same under Node and Deno).
 * No calling hours means any time.
 */
export function isWithinCallingHours(hours: CallingHours | null | undefined, now: Date): boolean {
  if (!hours) return true;
  let formatter = formatters.get(hours.timeZone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat("en-US", {
      timeZone: hours.timeZone,
      weekday: "short",
      hour: "2-digit",
      minute: "2-digit",
      hourCycle: "h23",
    });
    formatters.set(hours.timeZone, formatter);
  }
  const parts = Object.fromEntries(formatter.formatToParts(now).map((part) => [part.type, part.value]));
  const day = WEEKDAYS[parts.weekday ?? ""];
  const minute = Number(parts.hour) * 60 + Number(parts.minute);
  return (
    day !== undefined && hours.days.includes(day) && minute >= minutesOf(hours.start) && minute < minutesOf(hours.end)
  );
}
