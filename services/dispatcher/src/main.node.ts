// Node entry: the only file of this service that touches Node's process API.
import { findEmbeddedDatabase } from "@leadline/embedded-mongo";
import { parseDispatcherConfig } from "./config.ts";
import { runWorker } from "./run-worker.ts";

const config = parseDispatcherConfig({
  ...process.env,
  MONGODB_URI: process.env.MONGODB_URI || findEmbeddedDatabase(),
});
const worker = await runWorker(config);
for (const signal of ["SIGTERM", "SIGINT"] as const) {
  process.once(signal, () => {
    void worker.stop().then(() => process.exit(0));
  });
}
