import { afterEach, describe, expect, it, vi } from "vitest";
import { TtlCache } from "./ttl-cache.ts";

describe("TtlCache", () => {
  afterEach(() => vi.useRealTimers());

  it("forgets entries after their time to live", () => {
    vi.useFakeTimers();
    const cache = new TtlCache<number>(1000, 10);
    cache.set("a", 1);
    vi.advanceTimersByTime(999);
    expect(cache.get("a")).toBe(1);
    vi.advanceTimersByTime(1);
    expect(cache.get("a")).toBeUndefined();
  });

  it("drops the oldest entry when full, and caches nothing with a zero TTL", () => {
    const cache = new TtlCache<number>(60_000, 2);
    cache.set("a", 1);
    cache.set("b", 2);
    cache.set("c", 3);
    expect([cache.get("a"), cache.get("b"), cache.get("c")]).toEqual([undefined, 2, 3]);
    const off = new TtlCache<number>(0, 2);
    off.set("a", 1);
    expect(off.get("a")).toBeUndefined();
  });
});
