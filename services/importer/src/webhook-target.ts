import { isIpAddress, isLocalhostName, refusedAddressReason, refusedTargetMessage } from "@leadline/core";

/** Resolves a host name to its IPv4 and IPv6 addresses: a runtime capability, injected by the entry file. */
export type ResolveHost = (hostname: string) => Promise<string[]>;

/** Whether a delivery may go to a URL's host right now. */
export type TargetCheck =
  | { allowed: true }
  /** `permanent`: a refused address, not worth retrying; otherwise (the name did not resolve) retried. */
  | { allowed: false; permanent: boolean; error: string };

/**
 * The SSRF check made before every attempt: an IP-literal host is checked
 * as it is, `localhost` names are loopback by definition, and any other name
 * is resolved and refused when any of its addresses is in a refused range
 * (a name with one private address among public ones could be made to reach
 * the private one).
 *
 * `fetch` resolves the name again when it connects, so a name whose DNS
 * answers change between the two look-ups (rebinding) is not fully covered;
 * pinning the address would need a connector of each runtime's own.
 */
export async function checkTarget(url: URL, resolveHost: ResolveHost, allowPrivate: boolean): Promise<TargetCheck> {
  if (allowPrivate) return { allowed: true };
  const host = url.hostname.replace(/^\[|\]$/g, "");
  let addresses: string[];
  if (isIpAddress(host)) addresses = [host];
  else if (isLocalhostName(host)) addresses = ["127.0.0.1"];
  else {
    try {
      addresses = await resolveHost(host);
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      return { allowed: false, permanent: false, error: `could not resolve ${host}: ${reason}` };
    }
    if (addresses.length === 0)
      return { allowed: false, permanent: false, error: `could not resolve ${host}: no addresses` };
  }
  for (const address of addresses) {
    const reason = refusedAddressReason(address);
    if (reason) {
      const shown = address === host ? address : `${host} (${address})`;
      return { allowed: false, permanent: true, error: refusedTargetMessage(shown, reason) };
    }
  }
  return { allowed: true };
}
