/** True for a JSON object: not null, not an array. */
export const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value);

/** `has unknown field(s) "a", "b"` and a hint: how the bulk request and its leads word unknown keys. */
export const unknownFields = (keys: readonly string[], hint: string): string =>
  `has unknown field${keys.length > 1 ? "s" : ""} ${keys.map((k) => `"${k}"`).join(", ")}${hint}`;
