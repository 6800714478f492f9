import { spawnService } from "./spawn-service.ts";
import { spawnSync } from "node:child_process";
import { existsSync, readdirSync } from "node:fs";
import { fileURLToPath } from "node:url";
import path from "node:path";

const javaDir = fileURLToPath(new URL("../java/", import.meta.url));
const libDir = path.join(javaDir, "lib");

export interface RunningMongo {
  /** Connection string for the MongoDB driver. */
  uri: string;
  /** Which server is behind `uri`, for logs. */
  kind: "java-wire-server" | "mongodb-memory-server";
  stop(): Promise<void>;
}

function hasJars(): boolean {
  return existsSync(libDir) && readdirSync(libDir).some((f) => f.startsWith("mongo-java-server"));
}

/**
 * Downloads the wire server's jars with Maven when they are missing.
 * Maven prints to stderr so a first run shows why it takes a while.
 */
function ensureWireServerJars(): void {
  if (hasJars()) return;
  const result = spawnSync("mvn", ["-q", "-B", "dependency:copy-dependencies", "-DoutputDirectory=lib"], {
    cwd: javaDir,
    stdio: ["ignore", "inherit", "inherit"],
  });
  if (result.error || result.status !== 0 || !hasJars()) {
    throw new Error(
      `could not fetch the MongoDB wire server's jars with Maven in ${javaDir}` +
        (result.error ? `: ${result.error.message}` : ""),
    );
  }
}

/** True when `java` and either the jars or `mvn` are on this machine. */
export function canRunWireServer(): boolean {
  const java = spawnSync("java", ["-version"], { stdio: "ignore" });
  if (java.error || java.status !== 0) return false;
  if (hasJars()) return true;
  const mvn = spawnSync("mvn", ["-v"], { stdio: "ignore" });
  return !mvn.error && mvn.status === 0;
}

/**
 * Starts mongo-java-server (in-memory MongoDB wire protocol) as a child
 * process and resolves once it accepts connections.
 */
export async function startJavaWireServer(options: { host?: string; port?: number } = {}): Promise<RunningMongo> {
  ensureWireServerJars();
  const host = options.host ?? "127.0.0.1";
  const server = await spawnService(
    "MongoDB wire server",
    "java",
    ["-Xss4m", "-cp", path.join(libDir, "*"), path.join(javaDir, "Launcher.java"), host, String(options.port ?? 0)],
    {},
    (line) => /^listening (\S+)/.exec(line)?.[1],
  );
  return {
    uri: `mongodb://${server.ready}/?directConnection=true`,
    kind: "java-wire-server",
    stop: async () => {
      await server.stop();
    },
  };
}
