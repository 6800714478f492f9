import { spawn, type ChildProcess, type SpawnOptions } from "node:child_process";

export interface ServiceProcess<TReady> {
  child: ChildProcess;
  /** What `ready` found in the line that announced the service. */
  ready: TReady;
  /** Output lines (JSON logs) the process printed so far. */
  logs: string[];
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

/**
 * Starts a service as its own process and waits for the log line that
 * `ready` recognises (it returns undefined for every other line). Fails
 * with the output so far if the process cannot start, exits or takes over
 * a minute. It lives here because the embedded database's launcher
 * starts its wire server with it; tests and benchmarks import it from
 * `@leadline/embedded-mongo/spawn-service`.
 *
 * @example
 * const server = await spawnService("wire server", "java", args, {}, (line) => /^listening (\S+)/.exec(line)?.[1]);
 */
export async function spawnService<TReady>(
  name: string,
  command: string,
  args: string[],
  options: SpawnOptions,
  ready: (line: string) => TReady | undefined,
): Promise<ServiceProcess<TReady>> {
  const child = spawn(command, args, { ...options, stdio: ["ignore", "pipe", "pipe"] });
  const logs: string[] = [];
  const found = await new Promise<TReady>((resolve, reject) => {
    const timer = setTimeout(() => {
      // A service that never said it was ready must not outlive the test that started it.
      child.kill("SIGKILL");
      reject(new Error(`${name} did not start within 60 s:\n${logs.join("\n")}`));
    }, 60_000);
    let pending = "";
    const onData = (chunk: Buffer) => {
      pending += chunk.toString();
      const lines = pending.split("\n");
      pending = lines.pop() ?? "";
      for (const line of lines) {
        logs.push(line);
        const match = ready(line);
        if (match !== undefined) {
          clearTimeout(timer);
          resolve(match);
        }
      }
    };
    child.stdout!.on("data", onData);
    child.stderr!.on("data", onData);
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`${name} exited with ${code}:\n${logs.join("\n")}`));
    });
    child.once("error", (error) => {
      clearTimeout(timer);
      reject(new Error(`${name} could not start: ${error.message}`, { cause: error }));
    });
  });
  child.removeAllListeners("exit");
  return {
    child,
    ready: found,
    logs,
    stop: (signal = "SIGTERM") =>
      new Promise((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve(child.exitCode);
        child.once("exit", (code) => resolve(code));
        child.kill(signal);
      }),
  };
}
