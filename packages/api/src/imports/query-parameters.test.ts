import { describe, expect, it } from "vitest";
import { z } from "zod";
import { queryParametersOf } from "./query-parameters.ts";

describe("queryParametersOf", () => {
  it("describes each key from the schema's input side: defaults as sent, optional ones not required", () => {
    const schema = z.strictObject({
      mode: z.enum(["a", "b"]).default("a").meta({ description: "which" }),
      flag: z
        .enum(["true", "false"])
        .default("false")
        .transform((value) => value === "true"),
      code: z.string().meta({ pattern: "^[A-Z]{2}$", example: "GB" }),
    });
    expect(queryParametersOf(schema)).toEqual([
      {
        name: "mode",
        in: "query",
        required: false,
        schema: { type: "string", enum: ["a", "b"], default: "a" },
        description: "which",
      },
      {
        name: "flag",
        in: "query",
        required: false,
        schema: { type: "string", enum: ["true", "false"], default: "false" },
      },
      { name: "code", in: "query", required: true, schema: { type: "string", pattern: "^[A-Z]{2}$", example: "GB" } },
    ]);
  });
});
