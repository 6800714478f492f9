import type { ChildProcess } from "node:child_process";
import { fileURLToPath } from "node:url";
import { spawnService } from "@leadline/embedded-mongo/spawn-service";
import { shippedNodeArgs } from "./shipped-node-args.ts";

const serviceDir = fileURLToPath(new URL("../../../services/api/", import.meta.url));

/** The JavaScript runtime a test starts the API under (the service's own `ApiRuntime` is what that runtime provides). */
export type RuntimeName = "node" | "deno";

export interface ApiProcess {
  url: string;
  child: ChildProcess;
  /** Log lines (JSON) the process printed so far. */
  logs: string[];
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

function commandFor(runtime: RuntimeName, nodeArgs: string[], built: boolean): [string, string[]] {
  // Built: with the node options of `pnpm start` (V8 heap flags), as users run it.
  if (runtime === "node" && built)
    return [
      process.execPath,
      [...shippedNodeArgs(`${serviceDir}package.json`, "start", "dist/main.node.js"), ...nodeArgs, "dist/main.node.js"],
    ];
  if (runtime === "node") return [process.execPath, [...nodeArgs, "--import", "tsx", "src/main.node.ts"]];
  // The binary itself, not the npm shim, so that a signal reaches the service.
  return [
    `${serviceDir}node_modules/deno/deno`,
    ["run", "--config", "deno.json", "--allow-env", "--allow-net", "--allow-read", "--allow-sys", "src/main.deno.ts"],
  ];
}

/** Starts the API as its own process, as `pnpm dev`, `pnpm start` or `pnpm start:deno` does, and waits until it listens. */
export async function startApiProcess(
  env: Record<string, string>,
  options: {
    runtime?: RuntimeName;
    nodeArgs?: string[];
    /** Run `pnpm build`'s output with plain node, as `pnpm start` does, instead of the sources through tsx. */
    built?: boolean;
  } = {},
): Promise<ApiProcess> {
  const runtime = options.runtime ?? "node";
  const [command, args] = commandFor(runtime, options.nodeArgs ?? [], options.built ?? false);
  const service = await spawnService(
    `API process (${runtime})`,
    command,
    args,
    { cwd: serviceDir, env: { ...process.env, PORT: "0", LOG_LEVEL: "info", ...env } },
    (line) => /"url":"(http:[^"]+)"/.exec(line)?.[1],
  );
  return { url: service.ready, child: service.child, logs: service.logs, stop: service.stop };
}
