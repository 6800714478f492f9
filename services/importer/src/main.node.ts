// Node entry: the only file of this service that touches Node's process API.
import { lookup } from "node:dns/promises";
import { readFile } from "node:fs/promises";
import { parseImporterConfig } from "./config.ts";
import { runImporter } from "./run-worker.ts";

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

const config = parseImporterConfig({ ...process.env, MONGODB_URI: await databaseUri() });
const importer = await runImporter(config, {
  readFile: (url) => readFile(url),
  // The system resolver, /etc/hosts included: every address, so that the SSRF check sees them all.
  resolveHost: async (hostname) =>
    (await lookup(hostname, { all: true, verbatim: true })).map((entry) => entry.address),
});
for (const signal of ["SIGTERM", "SIGINT"] as const) {
  process.once(signal, () => {
    void importer.stop().then(() => process.exit(0));
  });
}
