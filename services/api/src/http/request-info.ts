import type { RequestInfo } from "@leadline/api";

const REQUEST_ID = /^[\w.:-]{1,100}$/;

/** The id in X-Request-Id when it looks sane, else a new one. */
export function requestIdOf(headers: Headers): string {
  const given = headers.get("x-request-id");
  return given && REQUEST_ID.test(given) ? given : crypto.randomUUID();
}

/**
 * The caller's address. Behind `trustedProxyHops` proxies of your own, each
 * appends the address it was reached from to X-Forwarded-For, so the
 * caller's is that many entries from the right; anything further left was
 * written by the caller and proves nothing.
 */
export function clientAddressOf(headers: Headers, peerAddress: string, trustedProxyHops: number): string {
  if (trustedProxyHops <= 0) return peerAddress;
  const forwarded = headers.get("x-forwarded-for");
  if (!forwarded) return peerAddress;
  const hops = forwarded
    .split(",")
    .map((entry) => entry.trim())
    .filter(Boolean);
  return hops[Math.max(0, hops.length - trustedProxyHops)] ?? peerAddress;
}

/**
 * What the procedures see of one request; headers they set land in
 * `responseHeaders`, a success status they set goes to `setStatus`.
 */
export function requestInfoFor(
  request: Request,
  connection: { requestId: string; clientAddress: string },
  responseHeaders: Headers,
  setStatus?: (status: number) => void,
): RequestInfo {
  return {
    apiKey: request.headers.get("x-api-key") ?? undefined,
    idempotencyKey: request.headers.get("idempotency-key") ?? undefined,
    clientAddress: connection.clientAddress,
    requestId: connection.requestId,
    setHeader: (name, value) => responseHeaders.set(name, value),
    setStatus,
  };
}
