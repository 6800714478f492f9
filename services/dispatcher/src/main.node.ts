// Node entry: the only file of this service that touches Node's process API.
import { parseDispatcherConfig } from "./config.ts";
import { runWorker } from "./run-worker.ts";

async function databaseUri(): Promise<string | undefined> {
  if (process.env.MONGODB_URI) return process.env.MONGODB_URI;
  if (process.env.NODE_ENV === "production") {
    console.error(
      JSON.stringify({
        level: "fatal",
        msg: "MONGODB_URI is required when NODE_ENV=production: set it to your MongoDB deployment",
      }),
    );
    process.exit(1);
  }
  // In development, the embedded database of a running `pnpm start`; loaded only then.
  const { findEmbeddedDatabase } = await import("@leadline/embedded-mongo");
  return findEmbeddedDatabase();
}

const config = parseDispatcherConfig({ ...process.env, MONGODB_URI: await databaseUri() });
const worker = await runWorker(config);
for (const signal of ["SIGTERM", "SIGINT"] as const) {
  process.once(signal, () => {
    void worker.stop().then(() => process.exit(0));
  });
}
