import { createHash } from "node:crypto";
import { backoffDelayMs, parseRetryAfterMs, type BulkCreateResult } from "@leadline/core";
import { postText, type PostAnswer } from "./http-post.ts";

/** What one batch request looks like, and how its answer counts: bulk leads by default, or a DNC list. */
export interface BatchTarget {
  path: string;
  body(items: readonly unknown[]): unknown;
  result(data: unknown): BulkCreateResult;
}

/**
 * `--suppressions`: each batch's phone numbers go to `POST /api/v1/suppressions`
 * (source "import"); entries added count as created, existing ones as skipped.
 */
export const suppressionTarget = (campaignId: string | undefined, reason: string | undefined): BatchTarget => ({
  path: "/api/v1/suppressions",
  body: (leads) => ({
    phoneNumbers: leads.map((lead) => (lead as { phoneNumber: string }).phoneNumber),
    source: "import",
    ...(campaignId ? { campaignId } : {}),
    ...(reason ? { reason } : {}),
  }),
  result: (data) => {
    const { added, alreadySuppressed } = data as { added: number; alreadySuppressed: number };
    return { created: added, skipped: alreadySuppressed, createdIds: [], skippedPhones: [], suppressedPhones: [] };
  },
});

export interface SendOptions {
  url: string;
  apiKey: string;
  campaignId: string;
  /** Absent: leads to the bulk endpoint. */
  target?: BatchTarget;
  /** Attempts for 5xx answers and network errors before the batch counts as failed. */
  maxAttempts: number;
  requestTimeoutMs: number;
  /** Options added to every bulk request body, such as onInvalid and defaultCountry. */
  bulkOptions?: Record<string, unknown>;
  /** Told about every wait, for the progress line. */
  onWait(reason: string, ms: number): void;
}

export type BatchOutcome =
  | { ok: true; result: BulkCreateResult; budgetResetMs: number | undefined }
  | { ok: false; fatal: boolean; error: string };

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Exponential backoff with jitter: up to 0.5 s, 1 s, 2 s … capped at 30 s. */
const backoffMs = (attempt: number) => backoffDelayMs(attempt, { baseMs: 500, maxMs: 30_000 });

/** What the server's Retry-After asks for; a second when it asks for nothing. */
const retryAfterMs = (response: PostAnswer): number => parseRetryAfterMs(response.header("retry-after")) || 1000;

function errorMessage(response: PostAnswer): string {
  try {
    return (JSON.parse(response.text) as { error?: string }).error ?? `HTTP ${response.status}`;
  } catch {
    return `HTTP ${response.status}: ${response.text.slice(0, 200)}`;
  }
}

/**
 * Sends one batch until it is stored or cannot be: waits out 429s (and 409s
 * for its own Idempotency-Key) as long as the server says, retries 5xx and network errors with backoff, gives up at
 * once on other 4xx (retrying cannot fix a bad key or campaign). Retrying is
 * safe because the endpoint skips phones it already has; with an
 * `keySeed` (the file and the batch's number), the batch carries an
 * Idempotency-Key, SHA-256 of the seed and the exact body, so a retry, or a
 * rerun of the same file, gets the first attempt's answer back.
 */
export async function sendBatch(
  leads: readonly unknown[],
  options: SendOptions,
  keySeed?: string,
): Promise<BatchOutcome> {
  let failures = 0;
  const target = options.target ?? {
    path: "/api/v1/leads/bulk",
    body: (items: readonly unknown[]) => ({ campaignId: options.campaignId, leads: items, ...options.bulkOptions }),
    result: (data: unknown) => data as BulkCreateResult,
  };
  const body = JSON.stringify(target.body(leads));
  // Hashed in two updates: the same digest as of `${keySeed}\n${body}`, without copying the body into a new string.
  const idempotencyKey = keySeed && `csv-${createHash("sha256").update(`${keySeed}\n`).update(body).digest("hex")}`;
  for (;;) {
    let response: PostAnswer;
    try {
      const headers = {
        "content-type": "application/json",
        "x-api-key": options.apiKey,
        ...(idempotencyKey ? { "idempotency-key": idempotencyKey } : {}),
      };
      response = await postText(`${options.url}${target.path}`, headers, body, options.requestTimeoutMs);
    } catch (error) {
      const reason =
        error instanceof Error ? (error.cause instanceof Error ? error.cause.message : error.message) : String(error);
      if (++failures >= options.maxAttempts) return { ok: false, fatal: false, error: `network error: ${reason}` };
      const wait = backoffMs(failures);
      options.onWait(`network error (${reason})`, wait);
      await sleep(wait);
      continue;
    }
    if (response.status >= 200 && response.status < 300) {
      const body = JSON.parse(response.text) as { data: unknown };
      const reset = Number(response.header("ratelimit-reset"));
      const remaining = Number(response.header("ratelimit-remaining"));
      return {
        ok: true,
        result: target.result(body.data),
        budgetResetMs: remaining === 0 && reset > 0 ? reset * 1000 : undefined,
      };
    }
    // 409 with our key: an earlier attempt of this batch still holds it (one cut off by an outage
    // holds it until its lease ends). Like a 429, it says when to come back.
    const keyBusy = response.status === 409 && idempotencyKey !== undefined;
    if (response.status === 429 || keyBusy) {
      const wait = retryAfterMs(response) + Math.round(Math.random() * 250);
      options.onWait(keyBusy ? "an earlier attempt of this batch is still running" : "rate limited", wait);
      await sleep(wait);
      continue;
    }
    const message = errorMessage(response);
    if (response.status < 500) return { ok: false, fatal: [401, 403, 404].includes(response.status), error: message };
    if (++failures >= options.maxAttempts) return { ok: false, fatal: false, error: message };
    const wait = response.status === 503 ? Math.max(retryAfterMs(response), backoffMs(failures)) : backoffMs(failures);
    options.onWait(`server error (${message})`, wait);
    await sleep(wait);
  }
}
