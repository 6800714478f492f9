import { readFileSync } from "node:fs";

/**
 * The node options a package.json script starts `entry` with, such as V8 heap flags:
 * `"start": "... && node --max-semi-space-size=2 dist/main.node.js"` gives
 * `["--max-semi-space-size=2"]`. Tests and the bench launch built artefacts with
 * these, so that they run them exactly as users do.
 */
export function shippedNodeArgs(packageJson: string, script: string, entry: string): string[] {
  const scripts = (JSON.parse(readFileSync(packageJson, "utf8")) as { scripts?: Record<string, string> }).scripts;
  const command = scripts?.[script];
  if (command === undefined) throw new Error(`${packageJson} has no "${script}" script`);
  const escaped = entry.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  const match = new RegExp(`(?:^|&&\\s*)node((?:\\s+--\\S+)*)\\s+${escaped}(?:\\s|$)`).exec(command);
  if (!match) throw new Error(`the "${script}" script of ${packageJson} does not run node ${entry}`);
  return match[1]!.trim().split(/\s+/).filter(Boolean);
}
