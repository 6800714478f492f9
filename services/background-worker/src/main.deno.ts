// Deno entry: the only file of this service that touches the Deno namespace.
import { deno, environmentWithDatabase, exitOnStopSignal, startOrExit } from "@leadline/deno-entry";
import { parseBackgroundWorkerConfig } from "./config.ts";
import { runBackgroundWorker } from "./run-worker.ts";
import { createDenoWebhookTransport } from "./webhook-transport.deno.ts";

/**
 * For the SSRF check: A and AAAA records from DNS (Deno's resolver reads no
 * /etc/hosts). A name with either kind resolves; one with neither is an error.
 */
async function resolveHost(hostname: string): Promise<string[]> {
  const answers = await Promise.allSettled([deno().resolveDns(hostname, "A"), deno().resolveDns(hostname, "AAAA")]);
  const addresses = answers.flatMap((answer) => (answer.status === "fulfilled" ? answer.value : []));
  if (addresses.length > 0) return addresses;
  const failure = answers.find((answer) => answer.status === "rejected");
  throw failure ? failure.reason : new Error("no A or AAAA records");
}

const worker = await startOrExit(async () => {
  const config = parseBackgroundWorkerConfig(await environmentWithDatabase());
  return runBackgroundWorker(config, {
    readFile: (url) => deno().readFile(url),
    resolveHost,
    // Connects to the address `resolveHost` answered and that passed the check, then speaks HTTP/1.1 (TLS with the URL's host).
    webhookTransport: createDenoWebhookTransport(resolveHost, config.webhooks.allowPrivate),
  });
});
exitOnStopSignal(() => worker.stop());
