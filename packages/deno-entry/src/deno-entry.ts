import { startFailureLine } from "@leadline/core";
import { EMBEDDED_DATABASE_RECORD, parseEmbeddedDatabaseRecord } from "@leadline/embedded-mongo/database-record";
import { deno } from "./deno-namespace.ts";

/** The embedded database of a running `pnpm start`, as it records it; undefined when none runs. */
export async function embeddedDatabaseUri(): Promise<string | undefined> {
  const text = await deno()
    .readTextFile(EMBEDDED_DATABASE_RECORD)
    .catch(() => "");
  return parseEmbeddedDatabaseRecord(text)?.uri;
}

/**
 * Deno's environment, with MONGODB_URI taken from a running `pnpm start`'s
 * embedded database when it is unset or empty, as the Node entries do.
 */
export async function environmentWithDatabase(): Promise<Record<string, string | undefined>> {
  const env = deno().env.toObject();
  return { ...env, MONGODB_URI: env.MONGODB_URI || (await embeddedDatabaseUri()) };
}

/** Runs `stop` once, on the first SIGTERM or SIGINT, then exits 0. */
export function exitOnStopSignal(stop: (signal: "SIGTERM" | "SIGINT") => Promise<void>): void {
  let stopping = false;
  for (const signal of ["SIGTERM", "SIGINT"] as const) {
    deno().addSignalListener(signal, () => {
      if (stopping) return;
      stopping = true;
      void stop(signal).then(() => deno().exit(0));
    });
  }
}

/** Runs `start`; when it fails, prints one fatal JSON line naming why and exits 1. */
export async function startOrExit<T>(start: () => Promise<T>): Promise<T> {
  try {
    return await start();
  } catch (error) {
    console.error(startFailureLine(error));
    return deno().exit(1);
  }
}
