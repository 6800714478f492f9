import { LIMITS } from "./limits.ts";

/**
 * Checks custom lead data in one walk: keys that MongoDB or JavaScript would
 * treat specially, nesting depth, key count and approximate stored size.
 * Returns the problem, or undefined when the value is fine.
 */
export function findMetadataProblem(metadata: Record<string, unknown>): string | undefined {
  const budget = { bytes: 0, keys: 0 };
  return walk(metadata, 1, budget);
}

function walk(value: unknown, depth: number, budget: { bytes: number; keys: number }): string | undefined {
  if (value === null || typeof value === "boolean" || typeof value === "number") {
    budget.bytes += 8;
  } else if (typeof value === "string") {
    budget.bytes += value.length + 2;
  } else if (typeof value === "object") {
    if (depth > LIMITS.metadataMaxDepth) {
      return `must not nest deeper than ${LIMITS.metadataMaxDepth} levels`;
    }
    if (Array.isArray(value)) {
      for (const item of value) {
        const problem = walk(item, depth + 1, budget);
        if (problem) return problem;
      }
    } else {
      for (const key of Object.keys(value)) {
        const keyProblem = findKeyProblem(key);
        if (keyProblem) return keyProblem;
        if (++budget.keys > LIMITS.metadataMaxKeys) {
          return `must have at most ${LIMITS.metadataMaxKeys} keys`;
        }
        budget.bytes += key.length + 2;
        const problem = walk((value as Record<string, unknown>)[key], depth + 1, budget);
        if (problem) return problem;
      }
    }
  } else {
    return "must contain only JSON values";
  }
  if (budget.bytes > LIMITS.metadataMaxBytes) {
    return `must be at most ${LIMITS.metadataMaxBytes} bytes`;
  }
  return undefined;
}

function findKeyProblem(key: string): string | undefined {
  if (key.startsWith("$")) return `key "${key}" must not start with $`;
  if (key.includes(".")) return `key "${key}" must not contain a dot`;
  if (key.includes("\0")) return "keys must not contain NUL characters";
  if (key === "__proto__" || key === "constructor" || key === "prototype") {
    return `key "${key}" is not allowed`;
  }
  if (key.length === 0) return "keys must not be empty";
  if (key.length > LIMITS.metadataKeyMaxLength) {
    return `keys must be at most ${LIMITS.metadataKeyMaxLength} characters`;
  }
  return undefined;
}
