import { AppError, ERROR_CODES } from "@leadline/core";

/** True when `a` and `b` are equal, in a time that does not depend on where they first differ. */
function sameSecret(a: string, b: string): boolean {
  let difference = a.length ^ b.length;
  for (let index = 0; index < b.length; index++) difference |= (a.charCodeAt(index) || 0) ^ b.charCodeAt(index);
  return difference === 0;
}

/**
 * Lets a `GET /metrics` through when no METRICS_TOKEN is set (as before:
 * keep the port private), or when it carries `Authorization: Bearer <token>`;
 * anything else is a 401 that says what to send.
 */
export function assertMetricsAccess(headers: Headers, token: string | undefined): void {
  if (token === undefined) return;
  const presented = /^Bearer\s+(\S+)\s*$/i.exec(headers.get("authorization") ?? "")?.[1];
  if (presented !== undefined && sameSecret(presented, token)) return;
  throw new AppError(ERROR_CODES.UNAUTHENTICATED, "Metrics need a token: send Authorization: Bearer <METRICS_TOKEN>", {
    headers: { "WWW-Authenticate": 'Bearer realm="metrics"' },
  });
}
