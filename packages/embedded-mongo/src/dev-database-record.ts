import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { EMBEDDED_DATABASE_RECORD, parseEmbeddedDatabaseRecord } from "./database-record-location.ts";

const recordFile = fileURLToPath(EMBEDDED_DATABASE_RECORD);

/** Notes `uri` as this process's embedded database, for other commands to find. */
export function recordEmbeddedDatabase(uri: string): void {
  mkdirSync(new URL(".", EMBEDDED_DATABASE_RECORD), { recursive: true });
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
  let text: string;
  try {
    text = readFileSync(recordFile, "utf8");
  } catch {
    return undefined;
  }
  const record = parseEmbeddedDatabaseRecord(text);
  return record && isAlive(record.pid) ? record.uri : undefined;
}
