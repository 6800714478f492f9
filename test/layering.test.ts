import { describe, expect, it } from "vitest";
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("../", import.meta.url));

/** Which workspace packages each layer may import at run time. */
const ALLOWED: Record<string, string[]> = {
  "packages/core": [],
  "packages/db": ["@leadline/core"],
  "packages/api": ["@leadline/core", "@leadline/db"],
  "packages/client": [],
  "packages/embedded-mongo": [],
};

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(full);
    return entry.name.endsWith(".ts") && !entry.name.endsWith(".test.ts") ? [full] : [];
  });
}

/** Run-time imports: `import type` and `export type` leave nothing behind. */
function runtimeImports(file: string): string[] {
  const text = readFileSync(file, "utf8");
  const specifiers: string[] = [];
  for (const match of text.matchAll(/^(import|export)\s+(type\s+)?[^;]*?from\s+"([^"]+)"/gms)) {
    if (!match[2]) specifiers.push(match[3]!);
  }
  return specifiers;
}

describe("layering: core ← db ← api ← services", () => {
  it.each(Object.entries(ALLOWED))("%s imports only the layers below it", (pkg, allowed) => {
    const offending = sourceFiles(path.join(root, pkg, "src")).flatMap((file) =>
      runtimeImports(file)
        .filter((specifier) => specifier.startsWith("@leadline/") && !allowed.includes(specifier))
        .map((specifier) => `${path.relative(root, file)} → ${specifier}`),
    );
    expect(offending).toEqual([]);
  });

  it("keeps core free of Node-only and database imports", () => {
    const offending = sourceFiles(path.join(root, "packages/core/src")).flatMap((file) =>
      runtimeImports(file)
        .filter((specifier) => specifier.startsWith("node:") || specifier === "mongodb")
        .map((specifier) => `${path.relative(root, file)} → ${specifier}`),
    );
    expect(offending).toEqual([]);
  });

  it("notices a forbidden import (the check itself works)", () => {
    const probe = path.join(root, "packages/db/src/leads.ts");
    expect(runtimeImports(probe)).toContain("mongodb");
    expect(runtimeImports(probe)).not.toContain("@leadline/core");
  });
});
