export { deno, type DenoNamespace, type DenoServeInfo, type DenoServer } from "./deno-namespace.ts";
export { embeddedDatabaseUri, environmentWithDatabase, exitOnStopSignal, startOrExit } from "./deno-entry.ts";
