import { toErrorEnvelope } from "@leadline/api";
import type { AppError } from "@leadline/core";

/** The documented error envelope with its status, and the headers the error needs (Retry-After, Allow…). */
export function failureResponse(error: AppError, headers: Headers): Response {
  for (const [name, value] of Object.entries(error.headers ?? {})) headers.set(name, value);
  return jsonResponse(error.httpStatus, JSON.stringify(toErrorEnvelope(error)), headers);
}

/** JSON text as a response, always with the charset spelled out. */
export function jsonResponse(status: number, json: string, headers = new Headers()): Response {
  headers.set("Content-Type", "application/json; charset=utf-8");
  return new Response(json, { status, headers });
}
