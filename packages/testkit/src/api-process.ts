import type { ChildProcess } from "node:child_process";
import { fileURLToPath } from "node:url";
import { spawnService } from "./spawn-service.ts";

const repoRoot = fileURLToPath(new URL("../../../", import.meta.url));
const mainFile = fileURLToPath(new URL("../../../services/api/src/main.ts", import.meta.url));

export interface ApiProcess {
  url: string;
  child: ChildProcess;
  /** Log lines (JSON) the process printed so far. */
  logs: string[];
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

/** Starts the API as its own Node process, as `pnpm start` does, and waits until it listens. */
export async function startApiProcess(env: Record<string, string>, nodeArgs: string[] = []): Promise<ApiProcess> {
  const service = await spawnService(
    "API process",
    process.execPath,
    [...nodeArgs, "--import", "tsx", mainFile],
    { cwd: repoRoot, env: { ...process.env, PORT: "0", LOG_LEVEL: "info", ...env } },
    (line) => /"url":"(http:[^"]+)"/.exec(line)?.[1],
  );
  return { url: service.ready, child: service.child, logs: service.logs, stop: service.stop };
}
