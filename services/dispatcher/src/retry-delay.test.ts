import { describe, expect, it } from "vitest";
import { retryDelayMs } from "./retry-delay.ts";

describe("retryDelayMs", () => {
  const options = { baseMs: 1000, maxMs: 60_000 };

  it("grows exponentially: each attempt's shortest delay is the previous one's longest", () => {
    for (let attempts = 1; attempts < 6; attempts++) {
      expect(retryDelayMs(attempts + 1, options, () => 0)).toBe(retryDelayMs(attempts, options, () => 1));
    }
    expect([1, 2, 3].map((attempts) => retryDelayMs(attempts, options, () => 1))).toEqual([1000, 2000, 4000]);
  });

  it("stops growing at the cap", () => {
    expect(retryDelayMs(30, options, () => 1)).toBe(60_000);
  });

  it("waits at least as long as Retry-After asks", () => {
    expect(retryDelayMs(1, { ...options, retryAfterMs: 45_000 }, () => 1)).toBe(45_000);
    expect(retryDelayMs(1, { ...options, retryAfterMs: 10 }, () => 1)).toBe(1000);
  });
});
