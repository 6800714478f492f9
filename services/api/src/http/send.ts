import { describeFailure, toErrorEnvelope, type Failure } from "@leadline/api";
import type { ServerResponse } from "node:http";

/** Writes a JSON response unless one was already started. */
export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  if (res.headersSent) {
    res.end();
    return;
  }
  const payload = JSON.stringify(body);
  res.writeHead(status, {
    ...headers,
    "Content-Type": "application/json; charset=utf-8",
    "Content-Length": Buffer.byteLength(payload),
  });
  res.end(payload);
}

/** Answers with the error envelope for `error` and returns what was decided. */
export function sendFailure(res: ServerResponse, error: unknown): Failure {
  const failure = describeFailure(error);
  sendJson(res, failure.httpStatus, toErrorEnvelope(failure), failure.headers);
  return failure;
}
