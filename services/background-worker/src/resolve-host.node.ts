// Node's resolver for webhook hosts: c-ares queries, off the libuv thread pool that file reads and `lookup` share.
import { Resolver } from "node:dns/promises";
import type { ResolveHost } from "./webhook-target.ts";

/** Tries per record type: the second covers a lost UDP answer. */
const TRIES = 2;

/**
 * A {@link ResolveHost} that asks DNS for A and AAAA records with a resolver
 * of its own per name, each try bounded by a share of `timeoutMs` (the
 * attempt's WEBHOOK_TIMEOUT_MS) and all of them cancelled when the attempt's
 * signal ends. `dns.lookup` (getaddrinfo) would hold a thread-pool thread for
 * as long as the system resolver waits, beyond any timeout of ours.
 * /etc/hosts is not read: `localhost` names never get here (they are
 * loopback by definition, see `connectAddress`), and a webhook target must be
 * a name the public DNS knows.
 */
export function createNodeResolveHost(timeoutMs: number, servers?: string[]): ResolveHost {
  return async (hostname, signal) => {
    const resolver = new Resolver({ timeout: Math.max(1, Math.ceil(timeoutMs / TRIES)), tries: TRIES });
    // The system's servers unless told others (a test's own).
    if (servers) resolver.setServers(servers);
    const cancel = () => resolver.cancel();
    signal.addEventListener("abort", cancel, { once: true });
    try {
      const answers = await Promise.allSettled([resolver.resolve4(hostname), resolver.resolve6(hostname)]);
      const addresses = answers.flatMap((answer) => (answer.status === "fulfilled" ? answer.value : []));
      if (addresses.length > 0) return addresses;
      const failure = answers.find((answer) => answer.status === "rejected");
      throw failure ? (failure.reason as Error) : new Error("no A or AAAA records");
    } finally {
      signal.removeEventListener("abort", cancel);
    }
  };
}
