import { describe, expect, it } from "vitest";
import { jsonTextNestsDeeperThan, nestsDeeperThan, parseJsonBody } from "./request-body.ts";

describe("parseJsonBody", () => {
  it("parses JSON, a byte-order mark included", () => {
    expect(parseJsonBody('\uFEFF{"a":[1,{"b":2}]}')).toEqual({ a: [1, { b: 2 }] });
  });

  it("refuses empty, malformed and too deeply nested bodies with a message", () => {
    expect(() => parseJsonBody("  ")).toThrow(/^Request body is empty/);
    expect(() => parseJsonBody("{")).toThrow(/^Request body is not valid JSON/);
    expect(() => parseJsonBody(`${"[".repeat(10_000)}${"]".repeat(10_000)}`)).toThrow(
      "Request body nests deeper than 32 levels",
    );
  });
});

describe("nestsDeeperThan", () => {
  it("counts objects and arrays alike, and nothing else", () => {
    expect(nestsDeeperThan({ a: [{ b: "x" }] }, 3)).toBe(false);
    expect(nestsDeeperThan({ a: [{ b: [] }] }, 3)).toBe(true);
    expect(nestsDeeperThan("flat", 0)).toBe(false);
  });
});

describe("jsonTextNestsDeeperThan", () => {
  it("agrees with nestsDeeperThan on the parsed text, brackets inside strings not counted", () => {
    for (const value of [
      { a: [{ b: "x" }] },
      { a: [{ b: [] }] },
      "flat",
      [[["]]]", '\\"[[[']]],
      { "[{": { "}]": [1] } },
    ]) {
      for (const depth of [0, 1, 2, 3]) {
        expect(jsonTextNestsDeeperThan(JSON.stringify(value), depth)).toBe(nestsDeeperThan(value, depth));
      }
    }
  });

  it("reads a 200,000-deep array without a stack", () => {
    expect(jsonTextNestsDeeperThan(`${"[".repeat(200_000)}${"]".repeat(200_000)}`, 32)).toBe(true);
  });
});
