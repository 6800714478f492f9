// Builds what users run in production into plain JavaScript, started with `node`:
// the API, the dispatcher, the background worker and the CSV importer. Workspace code is bundled; npm
// packages stay imports, and each must be a dependency of the package that
// ships the entry, so that `pnpm install --prod` is enough to run it.
// `--if-stale` builds only when a source or the lock file is newer than the last build.
import { build } from "esbuild";
import { existsSync, mkdirSync, readFileSync, readdirSync, statSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("../", import.meta.url));
const stampFile = path.join(root, ".leadline", "build-stamp.json");

/** Each entry a user runs, and the package whose dependencies it may import. */
const ENTRIES = [
  { pkg: "packages/embedded-mongo", entry: "src/index.ts", out: "dist/index.js" },
  { pkg: "services/api", entry: "src/main.node.ts", out: "dist/main.node.js" },
  { pkg: "services/dispatcher", entry: "src/main.node.ts", out: "dist/main.node.js" },
  { pkg: "services/background-worker", entry: "src/main.node.ts", out: "dist/main.node.js" },
  { pkg: "scripts", entry: "src/import-csv.ts", out: "dist/import-csv.js" },
];

// The embedded database finds its Java launcher beside its own files, so it is built
// once as its own module and imported from there, not copied into each bundle.
const EMBEDDED = "@leadline/embedded-mongo";

function newestSourceMtime(dir) {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === "node_modules" || entry.name === "dist" || entry.name.startsWith(".")) continue;
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestSourceMtime(full));
    else if (/\.(ts|json)$/.test(entry.name)) newest = Math.max(newest, statSync(full).mtimeMs);
  }
  return newest;
}

function isStale() {
  if (!existsSync(stampFile)) return true;
  if (ENTRIES.some(({ pkg, out }) => !existsSync(path.join(root, pkg, out)))) return true;
  const builtAt = JSON.parse(readFileSync(stampFile, "utf8")).builtAt;
  const sources = ["packages", "services", "scripts"].map((dir) => newestSourceMtime(path.join(root, dir)));
  return Math.max(...sources, statSync(path.join(root, "pnpm-lock.yaml")).mtimeMs) > builtAt;
}

const packageName = (specifier) =>
  specifier.startsWith("@") ? specifier.split("/").slice(0, 2).join("/") : specifier.split("/")[0];

function workspaceOnly(outDir, undeclared, declared) {
  return {
    name: "workspace-only",
    setup(pluginBuild) {
      pluginBuild.onResolve({ filter: /^[^./]/ }, (args) => {
        if (args.path.startsWith("node:")) return { external: true };
        const name = packageName(args.path);
        if (name === EMBEDDED) {
          if (args.kind !== "dynamic-import") {
            throw new Error(`${args.importer}: import ${EMBEDDED} dynamically, only when MONGODB_URI is not set`);
          }
          const target = path.join(root, "packages/embedded-mongo/dist/index.js");
          return { path: path.relative(outDir, target), external: true };
        }
        if (name.startsWith("@leadline/")) return undefined;
        if (!declared.has(name)) undeclared.add(name);
        return { external: true };
      });
    },
  };
}

async function buildEntry({ pkg, entry, out }) {
  const pkgDir = path.join(root, pkg);
  const manifest = JSON.parse(readFileSync(path.join(pkgDir, "package.json"), "utf8"));
  const declared = new Set(Object.keys(manifest.dependencies ?? {}));
  const outfile = path.join(pkgDir, out);
  const undeclared = new Set();
  await build({
    entryPoints: [path.join(pkgDir, entry)],
    outfile,
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node20",
    sourcemap: true,
    logLevel: "warning",
    plugins: [workspaceOnly(path.dirname(outfile), undeclared, declared)],
  });
  if (undeclared.size > 0) {
    throw new Error(
      `${pkg}/${out} imports ${[...undeclared].join(", ")}: add them to ${pkg}/package.json dependencies`,
    );
  }
}

if (process.argv.includes("--if-stale") && !isStale()) process.exit(0);
const started = performance.now();
for (const target of ENTRIES) await buildEntry(target);
mkdirSync(path.dirname(stampFile), { recursive: true });
writeFileSync(stampFile, JSON.stringify({ builtAt: Date.now() }));
console.error(
  `built ${ENTRIES.map(({ pkg, out }) => `${pkg}/${out}`).join(", ")} in ${Math.round(performance.now() - started)} ms`,
);
