import { isIpAddress, isLocalhostName, refusedAddressReason, refusedTargetMessage } from "@leadline/core";

/**
 * Resolves a host name to its IPv4 and IPv6 addresses: a runtime capability, injected by the entry file.
 * `signal` ends with the attempt (its timeout included): the resolver should give up then, and its answer
 * is not waited for after it.
 */
export type ResolveHost = (hostname: string, signal: AbortSignal) => Promise<string[]>;

/** One signed POST for a transport to send: the URL as registered, and the bytes to send. */
export interface WebhookRequest {
  url: URL;
  headers: Record<string, string>;
  body: string;
  /** Aborted on timeout or when the worker stops; the transport then gives up at once. */
  signal: AbortSignal;
}

/**
 * Sends a webhook POST and answers the response's status: a runtime capability,
 * built by the entry file, that connects only to an address it checked itself
 * with {@link connectAddress} (so DNS rebinding between a check and the connect
 * is closed). Fails with a {@link DeliveryConnectError} or a {@link TargetRefusedError}.
 */
export type WebhookTransport = (request: WebhookRequest) => Promise<{ status: number }>;

/** What went wrong on the way to an answer, in the few kinds a tenant is told about. */
export type ConnectFailure = "dns" | "refused" | "reset" | "tls" | "protocol" | "other";

/** A failed connection, classified by the runtime's transport; `message` keeps the detail for the worker log. */
export class DeliveryConnectError extends Error {
  override readonly name = "DeliveryConnectError";
  constructor(
    readonly kind: ConnectFailure,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/**
 * The address a transport was about to connect to is refused: `message` is the tenant-facing refusal, `detail`
 * (the address a name resolved to) is for the worker log only.
 */
export class TargetRefusedError extends Error {
  override readonly name = "TargetRefusedError";
  constructor(
    message: string,
    readonly detail?: string,
  ) {
    super(message);
  }
}

/**
 * What tenants see when a host NAME resolves into a refused range: which internal address their name
 * reached, or how the operator could allow it, is not theirs to learn. An IP literal's refusal names it,
 * since the tenant wrote it.
 */
export const NAME_REFUSED_MESSAGE = "refused: the host resolves to a non-public address";

const bareHost = (hostname: string) => hostname.replace(/^\[|\]$/g, "");
const describe = (error: unknown) => (error instanceof Error ? error.message : String(error));

/** `pending`, or the signal's reason as soon as it aborts: a resolver that never answers is not waited for. */
function untilAborted<T>(pending: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason as Error);
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason as Error);
    signal.addEventListener("abort", onAbort, { once: true });
    pending.then(resolve, reject).finally(() => signal.removeEventListener("abort", onAbort));
  });
}

/**
 * The address to connect to for `hostname`, resolved now and checked now: what
 * each runtime's transport calls at connect time, then connects to that
 * address and no other. Every resolved address must pass (as in
 * {@link checkTarget}); the first one is used. The resolution ends with
 * `signal` at the latest.
 */
export async function connectAddress(
  hostname: string,
  resolveHost: ResolveHost,
  allowPrivate: boolean,
  signal: AbortSignal,
): Promise<{ address: string; family: 4 | 6 }> {
  const host = bareHost(hostname);
  let addresses: string[];
  if (isIpAddress(host)) addresses = [host];
  else if (isLocalhostName(host)) addresses = ["127.0.0.1"];
  else {
    try {
      addresses = await untilAborted(resolveHost(host, signal), signal);
    } catch (error) {
      throw new DeliveryConnectError("dns", describe(error), { cause: error });
    }
  }
  const [address] = addresses;
  if (address === undefined) throw new DeliveryConnectError("dns", "no addresses");
  if (!allowPrivate) {
    for (const candidate of addresses) {
      const reason = refusedAddressReason(candidate);
      if (!reason) continue;
      if (candidate === host) throw new TargetRefusedError(refusedTargetMessage(host, reason));
      throw new TargetRefusedError(NAME_REFUSED_MESSAGE, refusedTargetMessage(`${host} (${candidate})`, reason));
    }
  }
  return { address, family: address.includes(":") ? 6 : 4 };
}

/** Whether a delivery may go to a URL's host right now. */
export type TargetCheck =
  | { allowed: true }
  /** `permanent`: a refused address, not worth retrying; otherwise (the name did not resolve) retried. */
  | { allowed: false; permanent: boolean; error: string; detail?: string };

/**
 * The SSRF check made before every attempt: an IP-literal host is checked
 * as it is, `localhost` names are loopback by definition, and any other name
 * is resolved and refused when any of its addresses is in a refused range
 * (a name with one private address among public ones could be made to reach
 * the private one). A refused name tells the tenant {@link NAME_REFUSED_MESSAGE}
 * and the worker log the address, in `detail`. The resolution counts against
 * the attempt: it ends with `signal`.
 *
 * It gives an early, permanent refusal; the transport checks again the
 * address it actually connects to ({@link connectAddress}), so a name whose
 * DNS answers change in between (rebinding) is refused too. A name that does
 * not resolve is retried; `error` then stays generic and `detail` (for the
 * worker log) says why.
 */
export async function checkTarget(
  url: URL,
  resolveHost: ResolveHost,
  allowPrivate: boolean,
  signal: AbortSignal,
): Promise<TargetCheck> {
  if (allowPrivate) return { allowed: true };
  try {
    await connectAddress(url.hostname, resolveHost, false, signal);
    return { allowed: true };
  } catch (error) {
    if (error instanceof TargetRefusedError) {
      const { message, detail } = error;
      return { allowed: false, permanent: true, error: message, ...(detail ? { detail } : {}) };
    }
    return {
      allowed: false,
      permanent: false,
      error: `could not resolve ${bareHost(url.hostname)}`,
      detail: describe(error),
    };
  }
}
