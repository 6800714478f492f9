// Summarises a V8 .cpuprofile (node --cpu-prof): top functions by self and by inclusive time,
// the same grouped by package, and the heaviest folded stacks (flame-graph text). Frames of a
// bundle with a source map beside it (dist/main.node.js.map) are mapped back to their source file:
// summarise before the next `pnpm build` rewrites the map, or the files and lines will be wrong.
//
//   tsx bench/src/profile-summary.ts CPU.….cpuprofile [--from bulkCreateLeads] [--top 25]
//
// --from counts samples only from the first one whose stack holds a frame whose label (function
// name, file and line) contains the text given, which leaves
// out start-up.
import { existsSync, readFileSync } from "node:fs";
import { SourceMap } from "node:module";
import { parseArgs } from "node:util";
import { fileURLToPath } from "node:url";

interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
  columnNumber: number;
}
interface ProfileNode {
  id: number;
  callFrame: CallFrame;
  children?: number[];
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { from: { type: "string" }, top: { type: "string", default: "25" } },
});
const file = positionals[0];
if (!file) throw new Error("usage: profile-summary <file.cpuprofile> [--from functionName] [--top N]");
const top = Number(values.top);
const profile = JSON.parse(readFileSync(file, "utf8")) as Profile;

const maps = new Map<string, SourceMap | null>();
function sourceMapOf(url: string): SourceMap | null {
  if (!maps.has(url)) {
    let map: SourceMap | null = null;
    try {
      const path = url.startsWith("file:") ? fileURLToPath(url) : url;
      if (existsSync(`${path}.map`)) map = new SourceMap(JSON.parse(readFileSync(`${path}.map`, "utf8")));
    } catch {
      map = null;
    }
    maps.set(url, map);
  }
  return maps.get(url)!;
}

/** Where a frame's code comes from: the original source when a map says so. */
function locate(frame: CallFrame): { file: string; line: number } {
  const map = frame.url ? sourceMapOf(frame.url) : null;
  if (map) {
    const entry = map.findEntry(frame.lineNumber, frame.columnNumber) as {
      originalSource?: string;
      originalLine?: number;
    };
    if (entry.originalSource) {
      // Sources of a package's own map are relative to its file: resolved, they keep their package.
      const file = new URL(entry.originalSource, frame.url.startsWith("file:") ? frame.url : `file://${frame.url}`);
      return { file: file.protocol === "file:" ? fileURLToPath(file) : file.href, line: (entry.originalLine ?? 0) + 1 };
    }
  }
  return { file: frame.url, line: frame.lineNumber + 1 };
}

/** A package-level bucket: an npm package, a workspace package, node's own code, or V8's pseudo-frames. */
function bucketOf(file: string, functionName: string): string {
  if (!file) return functionName.startsWith("(") ? functionName : "(native)";
  const modules = /node_modules\/(?:\.pnpm\/[^/]+\/node_modules\/)?((?:@[^/]+\/)?[^/]+)/.exec(file);
  if (modules) return modules[1]!;
  const workspace = /(packages|services|bench|scripts)\/([^/]+)\/(?:src\/)?(.*)$/.exec(file);
  if (workspace) return `${workspace[1]}/${workspace[2]}`;
  if (file.startsWith("node:")) return "node:internal";
  return file;
}

const shortFile = (file: string) =>
  file
    .replace(/^.*node_modules\/(?:\.pnpm\/[^/]+\/node_modules\/)?/, "")
    .replace(/^.*?\/((?:packages|services|bench|scripts)\/)/, "$1")
    .replace(/^file:\/\//, "");

interface Frame {
  name: string;
  key: string;
  label: string;
  bucket: string;
}
const byId = new Map<number, ProfileNode>();
const parent = new Map<number, number>();
for (const node of profile.nodes) {
  byId.set(node.id, node);
  for (const child of node.children ?? []) parent.set(child, node.id);
}
const frames = new Map<number, Frame>();
function frameOf(id: number): Frame {
  let frame = frames.get(id);
  if (!frame) {
    const { callFrame } = byId.get(id)!;
    const where = locate(callFrame);
    const name = callFrame.functionName || "(anonymous)";
    const label = where.file ? `${name} ${shortFile(where.file)}:${where.line}` : name;
    frame = { name, key: label, label, bucket: bucketOf(where.file, name) };
    frames.set(id, frame);
  }
  return frame;
}
function stackOf(id: number): Frame[] {
  const stack: Frame[] = [];
  for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) stack.push(frameOf(at));
  return stack.reverse().slice(1); // without (root)
}

const selfTime = new Map<string, number>();
const totalTime = new Map<string, number>();
const bucketSelf = new Map<string, number>();
const bucketTotal = new Map<string, number>();
const folded = new Map<string, number>();
const add = (map: Map<string, number>, key: string, value: number) => map.set(key, (map.get(key) ?? 0) + value);

let counting = !values.from;
let all = 0;
let idle = 0;
profile.samples.forEach((id, index) => {
  const micros = profile.timeDeltas[index + 1] ?? profile.timeDeltas[index] ?? 0;
  const stack = stackOf(id);
  if (!counting && stack.some((frame) => frame.label.includes(values.from!))) counting = true;
  if (!counting) return;
  const leaf = stack.at(-1);
  if (!leaf || leaf.label === "(idle)") {
    idle += micros;
    return;
  }
  all += micros;
  add(selfTime, leaf.label, micros);
  add(bucketSelf, leaf.bucket, micros);
  for (const key of new Set(stack.map((frame) => frame.key))) add(totalTime, key, micros);
  for (const bucket of new Set(stack.map((frame) => frame.bucket))) add(bucketTotal, bucket, micros);
  add(folded, stack.map((frame) => frame.name).join(";"), micros);
});

const ms = (micros: number) => (micros / 1000).toFixed(1).padStart(8);
const pct = (micros: number) => `${((micros / all) * 100).toFixed(1).padStart(5)}%`;
function table(title: string, map: Map<string, number>, count = top) {
  console.log(`\n## ${title}`);
  for (const [key, micros] of [...map].sort((a, b) => b[1] - a[1]).slice(0, count))
    console.log(`${ms(micros)} ms ${pct(micros)}  ${key}`);
}

console.log(`profile ${file}`);
console.log(
  `busy ${ms(all)} ms, idle ${ms(idle)} ms${values.from ? ` (from the first sample under ${values.from})` : ""}`,
);
table("by package, self time", bucketSelf, 20);
table("by package, inclusive time", bucketTotal, 20);
table("functions, self time", selfTime);
table("functions, inclusive time", totalTime);
console.log(`\n## heaviest folded stacks (root;…;leaf  ms)`);
for (const [stack, micros] of [...folded].sort((a, b) => b[1] - a[1]).slice(0, top))
  console.log(`${stack} ${(micros / 1000).toFixed(1)}`);
