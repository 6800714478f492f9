import type { TestProject } from "vitest/node";
import { startTestDatabase } from "@leadline/embedded-mongo";

declare module "vitest" {
  export interface ProvidedContext {
    mongoUri: string;
  }
}

/**
 * One MongoDB wire server for the whole run: the one in MONGODB_URI when set
 * (a real MongoDB, or the one CI started), else the Java wire server, else a
 * downloaded mongod. Each test file then works in a database of its own.
 */
export default async function setup(project: TestProject): Promise<(() => Promise<void>) | void> {
  const given = process.env.MONGODB_URI;
  if (given) {
    project.provide("mongoUri", given);
    return;
  }
  const server = await startTestDatabase({ warn: (message) => console.warn(message) });
  project.provide("mongoUri", server.uri);
  return () => server.stop();
}
