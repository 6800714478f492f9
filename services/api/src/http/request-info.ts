import type { RequestInfo } from "@leadline/api";
import { randomUUID } from "node:crypto";
import type { IncomingMessage } from "node:http";

interface HeaderSink {
  setHeader(name: string, value: string): unknown;
}

const REQUEST_ID = /^[\w.:-]{1,100}$/;

/** The id in X-Request-Id when it looks sane, else a new one; kept on the request for logs. */
export function requestIdOf(req: IncomingMessage): string {
  const cached = (req as { leadlineRequestId?: string }).leadlineRequestId;
  if (cached) return cached;
  const given = req.headers["x-request-id"];
  const id = typeof given === "string" && REQUEST_ID.test(given) ? given : randomUUID();
  (req as { leadlineRequestId?: string }).leadlineRequestId = id;
  return id;
}

export function clientAddressOf(req: IncomingMessage, trustProxy: boolean): string {
  if (trustProxy) {
    const forwarded = req.headers["x-forwarded-for"];
    const first = (Array.isArray(forwarded) ? forwarded[0] : forwarded)?.split(",")[0]?.trim();
    if (first) return first;
  }
  return req.socket.remoteAddress ?? "unknown";
}

export function requestInfoFor(req: IncomingMessage, res: HeaderSink, options: { trustProxy: boolean }): RequestInfo {
  const apiKey = req.headers["x-api-key"];
  return {
    apiKey: Array.isArray(apiKey) ? apiKey[0] : apiKey,
    clientAddress: clientAddressOf(req, options.trustProxy),
    requestId: requestIdOf(req),
    setHeader: (name, value) => {
      res.setHeader(name, value);
    },
  };
}
