import { describeFailure, toErrorEnvelope, type Failure } from "@leadline/api";
import type { ServerResponse } from "node:http";

/** Writes a JSON response unless one was already started. */
export function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  sendJsonText(res, status, JSON.stringify(body), headers);
}

/** Writes text that is already JSON, such as a body the OpenAPI adapter serialised. */
export function sendJsonText(
  res: ServerResponse,
  status: number,
  payload: string,
  headers: Record<string, string> = {},
): void {
  if (res.headersSent) {
    res.end();
    return;
  }
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
