import { describe, expect, it } from "vitest";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { repoRoot, runtimeImports, sourceFiles } from "./support/import-graph.ts";

interface Layer {
  /** Workspace packages the layer's sources may import at run time. */
  mayImport: string[];
  /** Other modules it may not import: `node:*` stands for every Node built-in. */
  alsoForbidden?: string[];
  /** Files allowed more than their layer, each with the reason. */
  exceptions?: Record<string, { mayAlsoImport: string[]; why: string }>;
}

/** The table eslint.config.js enforces too. */
const { layers } = JSON.parse(readFileSync(path.join(repoRoot, "layers.json"), "utf8")) as {
  layers: Record<string, Layer>;
};

/** `services/*` stands for each folder of services/ with sources, each a layer of its own; other keys name one folder. */
function layerDirs(key: string): string[] {
  if (!key.endsWith("/*")) return [key];
  const parent = key.slice(0, -2);
  return readdirSync(path.join(repoRoot, parent))
    .map((name) => `${parent}/${name}`)
    .filter((dir) => existsSync(path.join(repoRoot, dir, "src")));
}

/** `@leadline/db/dispatch` → `@leadline/db`. */
const packageOf = (specifier: string) => specifier.split("/").slice(0, 2).join("/");

const matches = (specifier: string, pattern: string) =>
  pattern.endsWith("*") ? specifier.startsWith(pattern.slice(0, -1)) : specifier === pattern;

/** True when a relative import of `file` reaches out of `dir`, e.g. one service into another's files. */
const leavesFolder = (file: string, specifier: string, dir: string) =>
  specifier.startsWith(".") &&
  path.relative(path.join(repoRoot, dir), path.resolve(path.dirname(file), specifier)).startsWith("..");

function offendingImports(dir: string, isForbidden: (specifier: string, file: string) => boolean): string[] {
  return sourceFiles(path.join(repoRoot, dir, "src")).flatMap((file) =>
    runtimeImports(file)
      .filter((specifier) => isForbidden(specifier, file))
      .map((specifier) => `${path.relative(repoRoot, file)} → ${specifier}`),
  );
}

const servicePackages = readdirSync(path.join(repoRoot, "services")).map(
  (name) =>
    (JSON.parse(readFileSync(path.join(repoRoot, "services", name, "package.json"), "utf8")) as { name: string }).name,
);

const instances = Object.entries(layers).flatMap(([key, layer]) => layerDirs(key).map((dir) => [dir, layer] as const));

describe("layering: core ← db ← api ← services", () => {
  it("covers every package, every service, the scripts and the benchmarks", () => {
    const dirs = instances.map(([dir]) => dir);
    for (const group of ["packages", "services"]) {
      for (const name of readdirSync(path.join(repoRoot, group))) expect(dirs).toContain(`${group}/${name}`);
    }
    expect(dirs).toEqual(expect.arrayContaining(["scripts", "bench"]));
  });

  it.each(instances)("%s imports only what layers.json allows it", (dir, layer) => {
    const forbidden = (specifier: string, file: string) => {
      const allowed = [...layer.mayImport, ...(layer.exceptions?.[path.relative(repoRoot, file)]?.mayAlsoImport ?? [])];
      return (
        (specifier.startsWith("@leadline/") && !allowed.includes(packageOf(specifier))) ||
        (layer.alsoForbidden ?? []).some((pattern) => matches(specifier, pattern)) ||
        leavesFolder(file, specifier, dir)
      );
    };
    expect(offendingImports(dir, forbidden)).toEqual([]);
  });

  it("lets only the benchmarks import the test kit, and nothing in packages or scripts import a service", () => {
    const importers = (name: string) => Object.keys(layers).filter((key) => layers[key]!.mayImport.includes(name));
    expect(importers("@leadline/testkit")).toEqual(["bench"]);
    for (const name of servicePackages) {
      expect(
        importers(name).filter((key) => key.startsWith("packages/") || key === "scripts"),
        name,
      ).toEqual([]);
    }
  });

  it("notices a forbidden import (the check itself works)", () => {
    expect(offendingImports("packages/db", (specifier) => specifier === "mongodb")).toContain(
      "packages/db/src/leads.ts → mongodb",
    );
    expect(layers["packages/core"]?.alsoForbidden).toContain("mongodb");
    const apiFile = path.join(repoRoot, "services/api/src/http/fetch-app.ts");
    expect(leavesFolder(apiFile, "../../../dispatcher/src/config.ts", "services/api")).toBe(true);
    expect(leavesFolder(apiFile, "../env.ts", "services/api")).toBe(false);
    expect(layerDirs("services/*")).toContain("services/background-worker");
  });
});
