import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

// The workers printed a runtime's stack trace when they could not start (a bad setting, a
// database that fails the start-up check or cannot be reached), where the API prints one fatal
// JSON line that names the cause. Now every entry, under Node and Deno, prints that line.

const root = fileURLToPath(new URL("../../", import.meta.url));
const WORKERS = ["dispatcher", "background-worker"] as const;
const RUNTIMES = ["node", "deno"] as const;

function startFailing(service: string, runtime: string, env: Record<string, string>) {
  const dir = `${root}services/${service}/`;
  const [command, args] =
    runtime === "node"
      ? [process.execPath, ["--import", "tsx", "src/main.node.ts"]]
      : [
          `${dir}node_modules/deno/deno`,
          [
            "run",
            "--config",
            "deno.json",
            "--allow-env",
            "--allow-net",
            "--allow-read",
            "--allow-sys",
            "src/main.deno.ts",
          ],
        ];
  const child = spawn(command, args as string[], {
    cwd: dir,
    env: {
      ...process.env,
      DIALER_URL: "http://127.0.0.1:9/calls",
      DIALER_SECRET: "issue-22-test-secret-0123456789",
      LOG_LEVEL: "silent",
      ...env,
    },
  });
  let stderr = "";
  child.stderr.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk));
  return new Promise<{ code: number | null; lines: string[] }>((resolve) =>
    child.once("exit", (code) => resolve({ code, lines: stderr.trim().split("\n").filter(Boolean) })),
  );
}

describe("a worker that cannot start", () => {
  for (const service of WORKERS) {
    for (const runtime of RUNTIMES) {
      it(`says why in one fatal JSON line and exits 1: the ${service} under ${runtime}, given a bad setting`, async () => {
        const { code, lines } = await startFailing(service, runtime, {
          MONGODB_URI: "mongodb://127.0.0.1:9/never",
          DB_CHECK: "maybe",
        });
        expect(code).toBe(1);
        expect(lines).toHaveLength(1);
        expect(JSON.parse(lines[0]!)).toEqual({
          level: "fatal",
          msg: expect.stringMatching(/^could not start: .*DB_CHECK: must be "on" or "off"/),
        });
      });
    }
  }

  it("says so too when its database cannot be reached", { timeout: 30_000 }, async () => {
    const { code, lines } = await startFailing("dispatcher", "node", { MONGODB_URI: "mongodb://127.0.0.1:9/never" });
    expect(code).toBe(1);
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0]!)).toMatchObject({ level: "fatal", msg: expect.stringMatching(/^could not start: /) });
  });
});
