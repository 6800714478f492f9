import { spawn, type ChildProcess } from "node:child_process";
import { fileURLToPath } from "node:url";

export type WorkerRuntime = "node" | "deno";

const dispatcherDir = fileURLToPath(new URL("../../services/dispatcher/", import.meta.url));

export interface WorkerProcess {
  child: ChildProcess;
  logs: string[];
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

function commandFor(runtime: WorkerRuntime): [string, string[]] {
  if (runtime === "node") return [process.execPath, ["--import", "tsx", "src/main.node.ts"]];
  // The binary itself, not the npm shim, so that a signal reaches the worker.
  return [
    `${dispatcherDir}node_modules/deno/deno`,
    ["run", "--config", "deno.json", "--allow-env", "--allow-net", "--allow-read", "--allow-sys", "src/main.deno.ts"],
  ];
}

/** Starts a dispatcher worker as `pnpm worker` / `pnpm worker:deno` would, and waits until it runs. */
export async function startWorkerProcess(runtime: WorkerRuntime, env: Record<string, string>): Promise<WorkerProcess> {
  const [command, args] = commandFor(runtime);
  const child = spawn(command, args, { cwd: dispatcherDir, env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "pipe"] });
  const logs: string[] = [];
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${runtime} worker did not start:\n${logs.join("\n")}`)), 60_000);
    let pending = "";
    const onData = (chunk: Buffer) => {
      pending += chunk.toString();
      const lines = pending.split("\n");
      pending = lines.pop() ?? "";
      for (const line of lines) {
        logs.push(line);
        if (line.includes('"dispatcher started"')) {
          clearTimeout(timer);
          resolve();
        }
      }
    };
    child.stdout.on("data", onData);
    child.stderr.on("data", onData);
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`${runtime} worker exited with ${code}:\n${logs.join("\n")}`));
    });
  });
  child.removeAllListeners("exit");
  return {
    child,
    logs,
    stop: (signal = "SIGTERM") =>
      new Promise((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve(child.exitCode);
        child.once("exit", (code) => resolve(code));
        child.kill(signal);
      }),
  };
}
