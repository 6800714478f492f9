// Deno entry: the only file of this service that touches the Deno namespace.
import { EMBEDDED_DATABASE_RECORD, parseEmbeddedDatabaseRecord } from "@leadline/embedded-mongo/database-record";
import { parseImporterConfig } from "./config.ts";
import { runImporter } from "./run-worker.ts";
import { createDenoWebhookTransport } from "./webhook-transport.deno.ts";

declare const Deno: {
  env: { toObject(): Record<string, string> };
  readTextFile(path: string | URL): Promise<string>;
  readFile(path: string | URL): Promise<Uint8Array>;
  resolveDns(query: string, recordType: "A" | "AAAA"): Promise<string[]>;
  addSignalListener(signal: "SIGTERM" | "SIGINT", handler: () => void): void;
  exit(code: number): never;
};

/** The embedded database of a running `pnpm start`, as it records it. */
async function embeddedDatabaseUri(): Promise<string | undefined> {
  const text = await Deno.readTextFile(EMBEDDED_DATABASE_RECORD).catch(() => "");
  return parseEmbeddedDatabaseRecord(text)?.uri;
}

/**
 * For the SSRF check: A and AAAA records from DNS (Deno's resolver reads no
 * /etc/hosts). A name with either kind resolves; one with neither is an error.
 */
async function resolveHost(hostname: string): Promise<string[]> {
  const answers = await Promise.allSettled([Deno.resolveDns(hostname, "A"), Deno.resolveDns(hostname, "AAAA")]);
  const addresses = answers.flatMap((answer) => (answer.status === "fulfilled" ? answer.value : []));
  if (addresses.length > 0) return addresses;
  const failure = answers.find((answer) => answer.status === "rejected");
  throw failure ? failure.reason : new Error("no A or AAAA records");
}

const env = Deno.env.toObject();
const config = parseImporterConfig({ ...env, MONGODB_URI: env.MONGODB_URI || (await embeddedDatabaseUri()) });
const importer = await runImporter(config, {
  readFile: (url) => Deno.readFile(url),
  resolveHost,
  // Connects to the address `resolveHost` answered and that passed the check, then speaks HTTP/1.1 (TLS with the URL's host).
  webhookTransport: createDenoWebhookTransport(resolveHost, config.webhooks.allowPrivate),
});
for (const signal of ["SIGTERM", "SIGINT"] as const) {
  Deno.addSignalListener(signal, () => {
    void importer.stop().then(() => Deno.exit(0));
  });
}
