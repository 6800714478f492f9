/**
 * Where a running `pnpm start` notes the address of its embedded database,
 * so that `pnpm seed` or a worker in another terminal finds it without
 * MONGODB_URI. Web standards only: the Deno worker reads it too.
 */
export const EMBEDDED_DATABASE_RECORD = new URL("../../../.leadline/embedded-database.json", import.meta.url);

/** What the record holds: the database's URI and the process that owns it. */
export interface EmbeddedDatabaseRecord {
  uri: string;
  pid: number;
}

/** The record's contents, or undefined when the text is not one. */
export function parseEmbeddedDatabaseRecord(text: string): EmbeddedDatabaseRecord | undefined {
  try {
    const record = JSON.parse(text) as Partial<EmbeddedDatabaseRecord>;
    return typeof record.uri === "string" && typeof record.pid === "number"
      ? { uri: record.uri, pid: record.pid }
      : undefined;
  } catch {
    return undefined;
  }
}
