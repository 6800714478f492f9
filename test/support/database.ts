import { afterAll, beforeAll, inject } from "vitest";
import { connectMongo, ensureIndexes, type MongoConnection } from "@leadline/db";
import { createTestRepositories, type TestRepositories } from "@leadline/testkit";

export interface TestDatabase {
  uri: string;
  dbName: string;
  connection: MongoConnection;
  repos: TestRepositories;
}

let counter = 0;

/**
 * A database of this test file's own, indexed like production and dropped
 * afterwards. Read the returned object's fields inside tests, not at import.
 */
export function useTestDatabase(label: string): TestDatabase {
  const db = {} as TestDatabase;
  beforeAll(async () => {
    db.uri = inject("mongoUri");
    db.dbName = `test_${label}_${process.pid}_${++counter}`.replace(/[^a-zA-Z0-9_]/g, "_").slice(0, 60);
    db.connection = await connectMongo(db.uri, { dbName: db.dbName });
    await ensureIndexes(db.connection.db);
    db.repos = createTestRepositories(db.connection.db);
  });
  afterAll(async () => {
    await db.connection?.db.dropDatabase().catch(() => undefined);
    await db.connection?.close();
  });
  return db;
}
