import {
  createRepositories,
  getCollections,
  type Collections,
  type MongoConnection,
  type Repositories,
} from "@leadline/db";

/**
 * The repositories plus the raw collections, for tests and benchmarks that
 * set up or inspect documents directly. Production code gets only the
 * repositories ({@link createRepositories}).
 */
export type TestRepositories = Repositories & { collections: Collections };

/** {@link TestRepositories} over `db`. */
export function createTestRepositories(db: MongoConnection["db"]): TestRepositories {
  return { ...createRepositories(db), collections: getCollections(db) };
}
