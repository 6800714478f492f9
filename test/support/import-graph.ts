import { readFileSync, readdirSync } from "node:fs";
import { isBuiltin } from "node:module";
import path from "node:path";
import { fileURLToPath } from "node:url";

export const repoRoot = fileURLToPath(new URL("../../", import.meta.url));

/** The `.ts` sources below `dir`, tests left out. */
export function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(full);
    return entry.name.endsWith(".ts") && !entry.name.endsWith(".test.ts") ? [full] : [];
  });
}

/**
 * Run-time imports of a file: static imports and re-exports, side-effect
 * imports and `import()`. `import type` and `export type` leave nothing
 * behind, so they are not counted.
 */
export function runtimeImports(file: string): string[] {
  const text = readFileSync(file, "utf8");
  const specifiers: string[] = [];
  for (const match of text.matchAll(/^(import|export)\s+(type\s+)?[^;]*?from\s+"([^"]+)"/gms)) {
    if (!match[2]) specifiers.push(match[3]!);
  }
  for (const match of text.matchAll(/^import\s+"([^"]+)"/gm)) specifiers.push(match[1]!);
  for (const match of text.matchAll(/\bimport\(\s*"([^"]+)"\s*\)/g)) specifiers.push(match[1]!);
  return specifiers;
}

/** True for `node:fs`, and for a bare `fs` or `crypto` too. */
export const isNodeBuiltin = (specifier: string): boolean => specifier.startsWith("node:") || isBuiltin(specifier);

const workspacePackages = new Map<string, { dir: string; exports: Record<string, string> }>(
  ["packages", "services"].flatMap((group) =>
    readdirSync(path.join(repoRoot, group)).map((name) => {
      const dir = path.join(repoRoot, group, name);
      const manifest = JSON.parse(readFileSync(path.join(dir, "package.json"), "utf8")) as {
        name: string;
        exports: Record<string, string>;
      };
      return [manifest.name, { dir, exports: manifest.exports }] as const;
    }),
  ),
);

/** The file a relative or `@leadline/…` import names; undefined for npm packages and built-ins. */
export function resolveSourceImport(specifier: string, fromFile: string): string | undefined {
  if (specifier.startsWith(".")) return path.resolve(path.dirname(fromFile), specifier);
  const match = /^(@leadline\/[^/]+)(\/.*)?$/.exec(specifier);
  if (!match) return undefined;
  const pkg = workspacePackages.get(match[1]!);
  const target = pkg?.exports[`.${match[2] ?? ""}`];
  if (!pkg || !target) throw new Error(`${fromFile}: cannot resolve ${specifier}`);
  return path.join(pkg.dir, target);
}

/**
 * Every workspace source file reachable from `roots` through run-time
 * imports, each with the chain of files that leads to it from a root.
 */
export function importGraph(roots: readonly string[]): Map<string, string[]> {
  const chains = new Map<string, string[]>(roots.map((root) => [root, [root]]));
  const queue = [...roots];
  for (let file = queue.shift(); file !== undefined; file = queue.shift()) {
    for (const specifier of runtimeImports(file)) {
      const target = resolveSourceImport(specifier, file);
      if (target && !chains.has(target)) {
        chains.set(target, [...chains.get(file)!, target]);
        queue.push(target);
      }
    }
  }
  return chains;
}
