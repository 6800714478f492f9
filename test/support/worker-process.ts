import type { ChildProcess } from "node:child_process";
import { spawnService } from "@leadline/embedded-mongo/spawn-service";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll } from "vitest";
import type { TestDatabase } from "./database.ts";

export type WorkerRuntime = "node" | "deno";

const dispatcherDir = fileURLToPath(new URL("../../services/dispatcher/", import.meta.url));
const backgroundWorkerDir = fileURLToPath(new URL("../../services/background-worker/", import.meta.url));

export interface WorkerProcess {
  child: ChildProcess;
  logs: string[];
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

function commandFor(runtime: WorkerRuntime, dir = dispatcherDir): [string, string[]] {
  if (runtime === "node") return [process.execPath, ["--import", "tsx", "src/main.node.ts"]];
  // The binary itself, not the npm shim, so that a signal reaches the worker.
  return [
    `${dir}node_modules/deno/deno`,
    ["run", "--config", "deno.json", "--allow-env", "--allow-net", "--allow-read", "--allow-sys", "src/main.deno.ts"],
  ];
}

/** Starts a dispatcher worker as `pnpm worker` / `pnpm worker:deno` would, and waits until it runs. */
export async function startWorkerProcess(runtime: WorkerRuntime, env: Record<string, string>): Promise<WorkerProcess> {
  const [command, args] = commandFor(runtime);
  const service = await spawnService(
    `${runtime} worker`,
    command,
    args,
    { cwd: dispatcherDir, env: { ...process.env, ...env } },
    (line) => (line.includes('"dispatcher started"') ? true : undefined),
  );
  return { child: service.child, logs: service.logs, stop: service.stop };
}

/**
 * Starts a background worker as `pnpm worker:background` / `pnpm worker:background:deno`
 * would (both loops unless `env` sets BACKGROUND_LOOPS), and waits until it runs.
 */
export async function startBackgroundWorkerProcess(
  runtime: WorkerRuntime,
  env: Record<string, string>,
): Promise<WorkerProcess> {
  const [command, args] = commandFor(runtime, backgroundWorkerDir);
  const service = await spawnService(
    `${runtime} background worker`,
    command,
    args,
    { cwd: backgroundWorkerDir, env: { ...process.env, ...env } },
    (line) => (line.includes('"background worker started"') ? true : undefined),
  );
  return { child: service.child, logs: service.logs, stop: service.stop };
}

/**
 * A Node background worker on `db` for the whole test file, like `useApiServer`: started before
 * the file's tests, stopped after them. Imports are looked for every 50 ms unless `env` says otherwise.
 */
export function useBackgroundWorker(db: TestDatabase, env: Record<string, string> = {}): void {
  let worker: WorkerProcess | undefined;
  beforeAll(async () => {
    worker = await startBackgroundWorkerProcess("node", {
      MONGODB_URI: db.uri,
      MONGODB_DB: db.dbName,
      IMPORT_POLL_MS: "50",
      ...env,
    });
  });
  afterAll(async () => {
    await worker?.stop();
  });
}
