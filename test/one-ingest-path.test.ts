import { describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import path from "node:path";
import { repoRoot, sourceFiles } from "./support/import-graph.ts";

// What broke: "check suppressions → zones → insert" was written three times (bulk create, single
// create, import jobs), and duplicate-key codes and driver-error translation were spread over six
// files and the API. Each rule now has one home; this reads the sources, as layering.test.ts does.

const PRODUCTION = ["packages", "services", "scripts"].flatMap((top) =>
  sourceFiles(path.join(repoRoot, top)).filter((file) => !file.includes(`${path.sep}node_modules${path.sep}`)),
);

/** A source without its comments, which may name what the code does elsewhere. */
const codeOf = (file: string): string =>
  readFileSync(path.join(repoRoot, file), "utf8")
    .replace(/\/\*[\s\S]*?\*\//g, "")
    .replace(/\/\/.*$/gm, "");

/** Production files (relative to the repository) whose code matches `pattern`, other than `home`. */
const filesMatching = (pattern: RegExp, home: string[]): string[] =>
  PRODUCTION.map((file) => path.relative(repoRoot, file))
    .filter((file) => !home.includes(file))
    .filter((file) => pattern.test(codeOf(file)));

describe("one ingest path", () => {
  it("only ingestLeads calls the lead insert, its dry run and the suppression look-up before them", () => {
    expect(filesMatching(/\.(insertSkippingDuplicates|planInsert)\(/, ["packages/db/src/ingest-leads.ts"])).toEqual(
      [],
    );
    expect(filesMatching(/\.suppressedAmong\(/, ["packages/db/src/ingest-leads.ts"])).toEqual([]);
  });

  it("the duplicate-key code is written once, at the repository edge", () => {
    expect(filesMatching(/\b11000\b|DUPLICATE_KEY\s*=/, ["packages/db/src/database-errors.ts"])).toEqual([]);
  });

  it("the API translates no driver errors: the repositories hand it AppErrors", () => {
    expect(filesMatching(/translateDatabaseError/, []).filter((file) => file.startsWith("packages/api/"))).toEqual([]);
  });

  it("notices a match (the check itself works)", () => {
    expect(filesMatching(/\.insertSkippingDuplicates\(/, [])).toEqual(["packages/db/src/ingest-leads.ts"]);
  });
});
