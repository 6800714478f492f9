import { z } from "zod";

/** An integer setting: coerced from its text, at least `min`, `fallback` when unset. */
export const envInteger = (fallback: number, min = 0) => z.coerce.number().int().min(min).default(fallback);

/** A MongoDB connection string, as both services take it in MONGODB_URI. */
export const mongoUriSchema = z.string().regex(/^mongodb(\+srv)?:\/\//, "must start with mongodb:// or mongodb+srv://");

/**
 * DB_CHECK, as every service takes it: "on" runs the quick database check
 * at start-up (the exactly-once guards of `pnpm db:check`), "off" skips it.
 */
export const dbCheckSchema = z.enum(["on", "off"], { error: 'must be "on" or "off"' }).default("on");

/**
 * Parses environment variables with `schema`, treating empty values as
 * unset. Fails with every bad variable named, so a service stops at
 * start-up with a message that says what to fix.
 */
export function parseEnv<TSchema extends z.ZodType>(
  schema: TSchema,
  source: Record<string, string | undefined>,
): z.output<TSchema> {
  const cleaned = Object.fromEntries(Object.entries(source).filter(([, value]) => value !== undefined && value !== ""));
  const result = schema.safeParse(cleaned);
  if (!result.success) {
    const problems = result.error.issues.map((issue) => `${issue.path.join(".")}: ${issue.message}`);
    throw new Error(`invalid configuration: ${problems.join("; ")}`);
  }
  return result.data;
}
