export { startEmbeddedMongo, startTestDatabase, type EmbeddedMongoLog } from "./embedded-mongo.ts";
export { canRunWireServer, startJavaWireServer, type RunningMongo } from "./java-wire-server.ts";
export { findEmbeddedDatabase, forgetEmbeddedDatabase, recordEmbeddedDatabase } from "./dev-database-record.ts";
