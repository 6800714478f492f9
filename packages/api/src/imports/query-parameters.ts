import { z } from "zod";

/** The JSON Schema keywords a query parameter's schema shows, in the order the document lists them. */
const KEYWORDS = ["type", "enum", "pattern", "example", "default"] as const;

/** One OpenAPI query parameter. */
export interface QueryParameter {
  name: string;
  in: "query";
  required: boolean;
  schema: Record<string, unknown>;
  description?: string;
}

/**
 * The OpenAPI query parameters of a zod object schema that parses a query
 * string, read from its input side (a default is the text a caller would
 * send), so the document and the parser are one declaration.
 *
 * @example
 * queryParametersOf(importOptionsSchema) // [{ name: "onInvalid", in: "query", required: false, ... }]
 */
export function queryParametersOf(schema: z.ZodObject): QueryParameter[] {
  const json = z.toJSONSchema(schema, { io: "input", unrepresentable: "any" }) as {
    properties?: Record<string, Record<string, unknown>>;
    required?: string[];
  };
  return Object.entries(json.properties ?? {}).map(([name, property]) => {
    const shown = KEYWORDS.filter((keyword) => property[keyword] !== undefined);
    return {
      name,
      in: "query",
      required: json.required?.includes(name) ?? false,
      schema: Object.fromEntries(shown.map((keyword) => [keyword, property[keyword]])),
      ...(typeof property.description === "string" && { description: property.description }),
    };
  });
}
