import { describe, expect, it } from "vitest";
import { dialerTarget } from "./dialer-target.ts";

describe("dialerTarget", () => {
  it("leaves a URL without user info as it is", () => {
    expect(dialerTarget("https://dialer.example/calls")).toEqual({
      url: "https://dialer.example/calls",
      authorization: undefined,
      display: "https://dialer.example/calls",
    });
  });

  it("turns user info into Basic authorization and hides the password from logs", () => {
    expect(dialerTarget("https://me:s3cret%40x@dialer.example:8443/calls?x=1")).toEqual({
      url: "https://dialer.example:8443/calls?x=1",
      authorization: `Basic ${btoa("me:s3cret@x")}`,
      display: "https://me:***@dialer.example:8443/calls?x=1",
    });
    expect(dialerTarget("https://token@dialer.example/calls")).toMatchObject({
      url: "https://dialer.example/calls",
      authorization: `Basic ${btoa("token:")}`,
      display: "https://token@dialer.example/calls",
    });
  });
});
