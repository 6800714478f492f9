/** A connection's peer, as `Deno.serve` hands it to the handler. */
export interface DenoServeInfo {
  remoteAddr: { hostname: string };
}

/** What `Deno.serve` answers: the running server. */
export interface DenoServer {
  finished: Promise<void>;
  shutdown(): Promise<void>;
}

/**
 * The part of the Deno namespace the services' Deno entries use, declared
 * once here rather than in each entry (this repository type-checks with
 * Node's types, which know no `Deno`).
 */
export interface DenoNamespace {
  env: { toObject(): Record<string, string> };
  readTextFile(path: string | URL): Promise<string>;
  readFile(path: string | URL): Promise<Uint8Array>;
  resolveDns(query: string, recordType: "A" | "AAAA"): Promise<string[]>;
  addSignalListener(signal: "SIGTERM" | "SIGINT", handler: () => void): void;
  exit(code: number): never;
  serve(
    options: { port: number; hostname: string; onListen?(address: { hostname: string; port: number }): void },
    handler: (request: Request, info: DenoServeInfo) => Response | Promise<Response>,
  ): DenoServer;
}

/**
 * The `Deno` global. Read when first used, so that importing this module
 * under Node (a type check, a test reading the imports) does not fail.
 */
export function deno(): DenoNamespace {
  const namespace = (globalThis as { Deno?: DenoNamespace }).Deno;
  if (!namespace) throw new Error("a Deno entry was started outside Deno");
  return namespace;
}
