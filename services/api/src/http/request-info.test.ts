import { describe, expect, it } from "vitest";
import { clientAddressOf } from "./request-info.ts";

const forwarded = (value: string) => new Headers({ "x-forwarded-for": value });

describe("clientAddressOf", () => {
  it("ignores X-Forwarded-For unless proxies are trusted", () => {
    expect(clientAddressOf(forwarded("203.0.113.9"), "198.51.100.1", 0)).toBe("198.51.100.1");
  });

  it("takes the entry the trusted proxies appended, not the one the caller wrote", () => {
    // The caller sent "X-Forwarded-For: 1.2.3.4"; our one proxy appended the address it saw.
    expect(clientAddressOf(forwarded("1.2.3.4, 203.0.113.9"), "10.0.0.2", 1)).toBe("203.0.113.9");
    // Two proxies of ours: the caller's address is second from the right.
    expect(clientAddressOf(forwarded("1.2.3.4, 203.0.113.9, 10.0.0.3"), "10.0.0.2", 2)).toBe("203.0.113.9");
  });

  it("falls back to the leftmost entry or the peer when the chain is shorter than the hops", () => {
    expect(clientAddressOf(forwarded("203.0.113.9"), "10.0.0.2", 2)).toBe("203.0.113.9");
    expect(clientAddressOf(new Headers(), "10.0.0.2", 1)).toBe("10.0.0.2");
  });
});
