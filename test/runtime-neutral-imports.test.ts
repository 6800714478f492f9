import { describe, expect, it } from "vitest";
import path from "node:path";
import { importGraph, isNodeBuiltin, repoRoot, runtimeImports, sourceFiles } from "./support/import-graph.ts";

const at = (relative: string) => path.join(repoRoot, relative);

/**
 * Code that must run under Node and Deno alike: the Deno worker's entry and
 * all it loads, the domain package, and the dispatcher's files other than
 * its Node entry. Node-only modules belong in a runtime's entry file.
 */
const RUNTIME_NEUTRAL_ROOTS = [
  at("services/dispatcher/src/main.deno.ts"),
  ...sourceFiles(at("packages/core/src")),
  ...sourceFiles(at("services/dispatcher/src")).filter((file) => !file.endsWith("main.node.ts")),
  at("services/background-worker/src/main.deno.ts"),
  ...sourceFiles(at("services/background-worker/src")).filter((file) => !file.endsWith(".node.ts")),
];

/** Each Node built-in that runtime-neutral code loads, with the import chain that brings it. */
function nodeImports(roots: readonly string[]): string[] {
  return [...importGraph(roots).entries()].flatMap(([file, chain]) =>
    runtimeImports(file)
      .filter(isNodeBuiltin)
      .map((specifier) => [...chain, specifier].map((step) => path.relative(repoRoot, step) || step).join(" → ")),
  );
}

describe("runtime-neutral code loads no Node built-in", () => {
  it("issue 9 and 12: holds for the Deno workers, core and the workers' shared files", () => {
    expect(nodeImports(RUNTIME_NEUTRAL_ROOTS)).toEqual([]);
  });

  it("notices a Node built-in behind a workspace import (the check itself works)", () => {
    expect(nodeImports([at("packages/testkit/src/fault-proxy.ts")])).toContain(
      "packages/testkit/src/fault-proxy.ts → node:net",
    );
    expect(nodeImports([at("services/dispatcher/src/main.node.ts")]).some((chain) => chain.endsWith("node:fs"))).toBe(
      true,
    );
  });
});
