import { existsSync, readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { envSchema as apiEnvSchema } from "../services/api/src/env.ts";
import { configSchema as dispatcherConfigSchema } from "../services/dispatcher/src/config.ts";
import { configSchema as backgroundWorkerConfigSchema } from "../services/background-worker/src/config.ts";

const root = fileURLToPath(new URL("../", import.meta.url));
const configurationPage = path.join(root, "docs/configuration.md");

/** Each service's variables, as its zod schema knows them, and the heading of its table. */
const services = [
  { heading: "API (`services/api`)", variables: Object.keys(apiEnvSchema.shape) },
  { heading: "Dispatcher (`services/dispatcher`)", variables: Object.keys(dispatcherConfigSchema.in.shape) },
  {
    heading: "Background worker (`services/background-worker`)",
    variables: Object.keys(backgroundWorkerConfigSchema.in.shape),
  },
];

/** The text with fenced code blocks blanked, so that `# comment` lines and `[x](y)` in code count for nothing. */
function withoutCodeBlocks(markdown: string): string {
  return markdown.replace(/^```[^\n]*\n[\s\S]*?^```$/gm, "");
}

/** Variable names in the first column of the tables under `## <heading>`, up to the next `## `. */
function documentedVariables(markdown: string, heading: string): string[] {
  const lines = withoutCodeBlocks(markdown).split("\n");
  const start = lines.indexOf(`## ${heading}`);
  if (start === -1) throw new Error(`docs/configuration.md has no "## ${heading}" section`);
  const names: string[] = [];
  for (const line of lines.slice(start + 1)) {
    if (line.startsWith("## ")) break;
    if (!line.startsWith("|") || /^\|[-| ]+\|$/.test(line)) continue;
    const firstCell = line.split("|")[1] ?? "";
    for (const match of firstCell.matchAll(/`([A-Z][A-Z0-9_]*)`/g)) names.push(match[1] as string);
  }
  return names;
}

/** GitHub's anchor for a heading: lower case, punctuation dropped, spaces to hyphens. */
function slug(heading: string): string {
  return heading
    .toLowerCase()
    .replace(/[^\p{L}\p{N} _-]/gu, "")
    .replace(/ /g, "-");
}

/** The anchors a Markdown file offers, numbered as GitHub numbers repeated headings. */
function anchorsOf(file: string): Set<string> {
  const seen = new Map<string, number>();
  const anchors = new Set<string>();
  for (const match of withoutCodeBlocks(readFileSync(file, "utf8")).matchAll(/^#{1,6} (.+)$/gm)) {
    const base = slug((match[1] as string).trim());
    const count = seen.get(base) ?? 0;
    anchors.add(count === 0 ? base : `${base}-${count}`);
    seen.set(base, count + 1);
  }
  return anchors;
}

const pages = [
  "README.md",
  ...readdirSync(path.join(root, "docs"))
    .filter((name) => name.endsWith(".md"))
    .map((name) => `docs/${name}`),
];

describe("docs/configuration.md", () => {
  it.each(services)(
    "names every variable of $heading in its table, and none the service does not read",
    ({ heading, variables }) => {
      const documented = documentedVariables(readFileSync(configurationPage, "utf8"), heading);
      expect({
        undocumented: variables.filter((name) => !documented.includes(name)).sort(),
        unknownToTheService: documented.filter((name) => !variables.includes(name)).sort(),
      }).toEqual({ undocumented: [], unknownToTheService: [] });
    },
  );
});

describe("links between the docs", () => {
  it.each(pages)("every relative link in %s reaches a file, and its anchor a heading there", (page) => {
    const text = withoutCodeBlocks(readFileSync(path.join(root, page), "utf8")).replace(/`[^`\n]*`/g, "");
    const broken: string[] = [];
    for (const match of text.matchAll(/\]\(([^)\s]+)\)/g)) {
      const target = match[1] as string;
      if (/^[a-z]+:/i.test(target)) continue;
      const [file = "", anchor] = target.split("#");
      const resolved = file === "" ? path.join(root, page) : path.resolve(path.dirname(path.join(root, page)), file);
      if (!existsSync(resolved)) broken.push(`${target}: no such file`);
      else if (anchor !== undefined && resolved.endsWith(".md") && !anchorsOf(resolved).has(anchor)) {
        broken.push(`${target}: no such heading`);
      }
    }
    expect(broken).toEqual([]);
  });
});
