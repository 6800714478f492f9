// Node entry: the only file of this service that touches Node's process API.
import { readFile } from "node:fs/promises";
import { startFailureLine, workerDatabaseUri } from "@leadline/core";
import { parseBackgroundWorkerConfig } from "./config.ts";
import { runBackgroundWorker } from "./run-worker.ts";
import { createNodeResolveHost } from "./resolve-host.node.ts";
import { createNodeWebhookTransport } from "./webhook-transport.node.ts";

// In development, the embedded database of a running `pnpm start`; its code is loaded only then.
const database = await workerDatabaseUri(process.env, async () =>
  (await import("@leadline/embedded-mongo")).findEmbeddedDatabase(),
);
if ("refused" in database) {
  console.error(JSON.stringify({ level: "fatal", msg: database.refused }));
  process.exit(1);
}

const worker = await (async () => {
  const config = parseBackgroundWorkerConfig({ ...process.env, MONGODB_URI: database.uri });
  // Every A and AAAA record, so that the SSRF check sees them all; bounded by the attempt's timeout.
  const resolveHost = createNodeResolveHost(config.webhooks.timeoutMs);
  return runBackgroundWorker(config, {
    readFile: (url) => readFile(url),
    resolveHost,
    // node:http(s) whose socket resolves through `resolveHost` and checks the address it connects to.
    webhookTransport: createNodeWebhookTransport(resolveHost, config.webhooks.allowPrivate),
  });
})().catch((error: unknown) => {
  console.error(startFailureLine(error));
  process.exit(1);
});
for (const signal of ["SIGTERM", "SIGINT"] as const) {
  process.once(signal, () => {
    void worker.stop().then(() => process.exit(0));
  });
}
