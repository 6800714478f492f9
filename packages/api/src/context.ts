import type { Repositories } from "@leadline/db";
import type { Logger } from "./logger.ts";
import type { Limiters } from "./rate-limit/limiters.ts";

/** What every request's handlers share: stores, limiters and settings. */
export interface ApiDeps {
  repos: Repositories;
  limiters: Limiters;
  log: Logger;
}

/** The transport-neutral view of one request, built by the HTTP layer. */
export interface RequestInfo {
  /** Value of the `x-api-key` header, if any. */
  apiKey: string | undefined;
  /** The caller's address, used to limit failed authentication. */
  clientAddress: string;
  /** Sets a response header (rate-limit budget and the like). */
  setHeader(name: string, value: string): void;
  /** Request id for log lines. */
  requestId: string;
}

export interface Context extends RequestInfo {
  deps: ApiDeps;
}

export function createContext(deps: ApiDeps, request: RequestInfo): Context {
  return { ...request, deps };
}
