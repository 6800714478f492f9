import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

/**
 * Where a running `pnpm start` notes the address of its embedded database,
 * so that `pnpm seed` in another terminal finds it without MONGODB_URI.
 */
const recordFile = fileURLToPath(new URL("../../../.leadline/embedded-database.json", import.meta.url));

export function recordEmbeddedDatabase(uri: string): void {
  mkdirSync(new URL("../../../.leadline/", import.meta.url), { recursive: true });
  writeFileSync(recordFile, JSON.stringify({ uri, pid: process.pid }));
}

export function forgetEmbeddedDatabase(): void {
  rmSync(recordFile, { force: true });
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** The URI of the embedded database of a `pnpm start` still running, if any. */
export function findEmbeddedDatabase(): string | undefined {
  try {
    const { uri, pid } = JSON.parse(readFileSync(recordFile, "utf8")) as { uri: string; pid: number };
    return isAlive(pid) ? uri : undefined;
  } catch {
    return undefined;
  }
}
