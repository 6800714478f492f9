import { describe, expect, it } from "vitest";
import { readFileSync, readdirSync } from "node:fs";
import path from "node:path";
import { repoRoot, sourceFiles } from "./support/import-graph.ts";

/**
 * A lead's `state` has one writer, `packages/db/src/lead-lifecycle/transition.ts`, which builds
 * every update from the lifecycle table. This reads the sources as `layering.test.ts` reads their
 * imports: a module that writes the leads collection may not put `state` in a `$set` of its own.
 */

const WRITER = "packages/db/src/lead-lifecycle/transition.ts";
/** `pnpm db:check` probes the server on scratch collections of its own, not on leads. */
const SCRATCH = "packages/db/src/db-check/";

/** A write call on the leads collection (`leads.updateOne(`, `collections.leads.bulkWrite(`, ...). */
const WRITES_LEADS =
  /\bleads\s*\.\s*(updateOne|updateMany|findOneAndUpdate|findOneAndReplace|replaceOne|bulkWrite)\s*\(/;

/** The text of the object literal that opens at `start` (a `{`), strings skipped. */
function objectAt(text: string, start: number): string {
  let depth = 0;
  for (let i = start; i < text.length; i++) {
    const char = text[i]!;
    if (char === '"' || char === "'" || char === "`") {
      for (i++; i < text.length && text[i] !== char; i++) if (text[i] === "\\") i++;
    } else if (char === "{") depth++;
    else if (char === "}" && --depth === 0) return text.slice(start, i + 1);
  }
  return text.slice(start);
}

/** The object's own keys' text: nested objects and arrays blanked out. */
function topLevel(object: string): string {
  let depth = 0;
  let out = "";
  for (const char of object.slice(1, -1)) {
    if (char === "{" || char === "[" || char === "(") depth++;
    if (depth === 0) out += char;
    if (char === "}" || char === "]" || char === ")") depth--;
  }
  return out;
}

/** The `$set`s of `text` that write `state`, when it writes leads at all. */
function leadStateWrites(text: string): string[] {
  if (!WRITES_LEADS.test(text)) return [];
  const found: string[] = [];
  for (const match of text.matchAll(/\$set(OnInsert)?\s*:\s*\{/g)) {
    const object = objectAt(text, match.index + match[0].length - 1);
    if (/(^|[\s,])state\s*[:,]|(^|[\s,])state\s*$/.test(topLevel(object))) found.push(object.replace(/\s+/g, " "));
  }
  return found;
}

const roots = ["packages", "services"].flatMap((group) =>
  readdirSync(path.join(repoRoot, group)).map((name) => path.join(group, name, "src")),
);

describe("one writer of a lead's state", () => {
  it("no module but the transition module puts state in a leads update", () => {
    const offenders = [...roots, "scripts/src", "bench/src"]
      .flatMap((dir) => sourceFiles(path.join(repoRoot, dir)))
      .map((file) => path.relative(repoRoot, file).split(path.sep).join("/"))
      .filter((file) => file !== WRITER && !file.startsWith(SCRATCH))
      .flatMap((file) => leadStateWrites(readFileSync(path.join(repoRoot, file), "utf8")).map((w) => `${file}: ${w}`));
    expect(offenders).toEqual([]);
  });

  it("notices a hand-written state change (the check itself works)", () => {
    const handWritten = `const { leads } = collections;
      await leads.updateOne({ _id, state: "dispatching" }, {
        $set: { state: "failed", lastError: error, nested: { a: 1 } },
        $unset: { leaseOwner: "" },
      });`;
    expect(leadStateWrites(handWritten)).toHaveLength(1);
    expect(leadStateWrites(`await leads.updateMany(filter, { $set: { nextAttemptAt, state } })`)).toHaveLength(1);
    // A guard on state, and another collection's state, are not writes of a lead's.
    expect(leadStateWrites(`await leads.updateOne({ state: "pending" }, { $set: { zoneKey } })`)).toEqual([]);
    expect(leadStateWrites(`await jobs.updateOne({ _id }, { $set: { state: "completed" } })`)).toEqual([]);
    expect(readFileSync(path.join(repoRoot, WRITER), "utf8")).toMatch(/state: rule\.to/);
  });
});
