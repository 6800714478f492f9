import { describe, expect, it } from "vitest";
import { backoffDelayMs, parseRetryAfterMs } from "./retry.ts";

describe("backoffDelayMs", () => {
  const options = { baseMs: 1000, maxMs: 60_000 };

  it("grows exponentially: each attempt's shortest delay is the previous one's longest", () => {
    for (let attempts = 1; attempts < 6; attempts++) {
      expect(backoffDelayMs(attempts + 1, options, () => 0)).toBe(backoffDelayMs(attempts, options, () => 1));
    }
    expect([1, 2, 3].map((attempts) => backoffDelayMs(attempts, options, () => 1))).toEqual([1000, 2000, 4000]);
  });

  it("stops growing at the cap", () => {
    expect(backoffDelayMs(30, options, () => 1)).toBe(60_000);
  });

  it("with full jitter, waits anywhere from nothing to the ceiling", () => {
    const full = { ...options, jitter: "full" as const };
    expect(backoffDelayMs(3, full, () => 0)).toBe(0);
    expect(backoffDelayMs(3, full, () => 0.5)).toBe(2000);
    expect(backoffDelayMs(3, full, () => 1)).toBe(4000);
    expect(backoffDelayMs(30, full, () => 1)).toBe(60_000);
  });

  it("waits at least as long as Retry-After asks", () => {
    expect(backoffDelayMs(1, { ...options, retryAfterMs: 45_000 }, () => 1)).toBe(45_000);
    expect(backoffDelayMs(1, { ...options, retryAfterMs: 10 }, () => 1)).toBe(1000);
  });
});

describe("parseRetryAfterMs", () => {
  it("reads delay-seconds and HTTP dates", () => {
    const now = Date.parse("2026-01-14T09:30:00Z");
    expect(parseRetryAfterMs("120", now)).toBe(120_000);
    expect(parseRetryAfterMs("Wed, 14 Jan 2026 09:31:00 GMT", now)).toBe(60_000);
    expect(parseRetryAfterMs("Wed, 14 Jan 2026 09:29:00 GMT", now)).toBe(0);
  });

  it("gives undefined for no header or an unreadable one", () => {
    expect([null, undefined, "", "soon"].map((header) => parseRetryAfterMs(header))).toEqual([
      undefined,
      undefined,
      undefined,
      undefined,
    ]);
  });
});
