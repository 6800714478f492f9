import { afterAll, beforeAll, inject } from "vitest";
import { connectMongo, createRepositories, ensureIndexes, type MongoConnection, type Repositories } from "@leadline/db";

export interface TestDatabase {
  uri: string;
  dbName: string;
  connection: MongoConnection;
  repos: Repositories;
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
    db.repos = createRepositories(db.connection.db);
  });
  afterAll(async () => {
    await db.connection?.db.dropDatabase().catch(() => undefined);
    await db.connection?.close();
  });
  return db;
}
