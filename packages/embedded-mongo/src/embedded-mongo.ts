import { canRunWireServer, startJavaWireServer, type RunningMongo } from "./java-wire-server.ts";

export interface EmbeddedMongoLog {
  warn(message: string): void;
}

async function startMemoryServer(): Promise<RunningMongo> {
  const { MongoBinary, MongoMemoryServer } = await import("mongodb-memory-server-core");
  // Fetch the binary first: a failed download then throws quietly, where a failed
  // start would print the library's own stack trace before ours.
  await MongoBinary.getPath();
  const server = await MongoMemoryServer.create({ instance: { ip: "127.0.0.1" } });
  return {
    uri: server.getUri(),
    kind: "mongodb-memory-server",
    stop: async () => {
      await server.stop();
    },
  };
}

/**
 * A throwaway database for running the service without `MONGODB_URI`:
 * a real `mongod` through mongodb-memory-server when its binary can be
 * downloaded, else the Java wire server when Java is installed.
 */
export async function startEmbeddedMongo(log: EmbeddedMongoLog): Promise<RunningMongo> {
  try {
    return await startMemoryServer();
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    if (!canRunWireServer()) {
      throw new Error(
        `no MONGODB_URI given and no embedded database could start (mongodb-memory-server: ${reason}; ` +
          "Java wire server: needs java and mvn). Set MONGODB_URI to a MongoDB server.",
        { cause: error },
      );
    }
    log.warn(`mongodb-memory-server could not start (${reason}); using the Java wire server instead`);
    return startJavaWireServer();
  }
}

/**
 * A throwaway database for tests, benchmarks and tools: the Java wire server
 * when Java can run (fast, no download), else {@link startEmbeddedMongo}.
 */
export async function startTestDatabase(log: EmbeddedMongoLog): Promise<RunningMongo> {
  return canRunWireServer() ? startJavaWireServer() : startEmbeddedMongo(log);
}
