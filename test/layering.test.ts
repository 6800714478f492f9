import { describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import path from "node:path";
import { repoRoot, runtimeImports, sourceFiles } from "./support/import-graph.ts";

interface Layer {
  /** Workspace packages the layer's sources may import at run time. */
  mayImport: string[];
  /** Other modules it may not import: `node:*` stands for every Node built-in. */
  alsoForbidden?: string[];
}

/** The table eslint.config.js enforces too. */
const { layers } = JSON.parse(readFileSync(path.join(repoRoot, "layers.json"), "utf8")) as {
  layers: Record<string, Layer>;
};

/** `@leadline/db/dispatch` → `@leadline/db`. */
const packageOf = (specifier: string) => specifier.split("/").slice(0, 2).join("/");

const matches = (specifier: string, pattern: string) =>
  pattern.endsWith("*") ? specifier.startsWith(pattern.slice(0, -1)) : specifier === pattern;

function offendingImports(dir: string, isForbidden: (specifier: string) => boolean): string[] {
  return sourceFiles(path.join(repoRoot, dir, "src")).flatMap((file) =>
    runtimeImports(file)
      .filter(isForbidden)
      .map((specifier) => `${path.relative(repoRoot, file)} → ${specifier}`),
  );
}

describe("layering: core ← db ← api ← services", () => {
  it.each(Object.entries(layers))("%s imports only the layers below it", (dir, layer) => {
    const forbidden = (specifier: string) =>
      (specifier.startsWith("@leadline/") && !layer.mayImport.includes(packageOf(specifier))) ||
      (layer.alsoForbidden ?? []).some((pattern) => matches(specifier, pattern));
    expect(offendingImports(dir, forbidden)).toEqual([]);
  });

  it("notices a forbidden import (the check itself works)", () => {
    expect(offendingImports("packages/db", (specifier) => specifier === "mongodb")).toContain(
      "packages/db/src/leads.ts → mongodb",
    );
    expect(layers["packages/core"]?.alsoForbidden).toContain("mongodb");
  });
});
