import { afterAll, beforeAll } from "vitest";
import { parseApiConfig, startApi, type ApiConfig, type RunningApi } from "@leadline/api-service";
import pino from "pino";
import type { TestDatabase } from "./database.ts";

export interface TestApi {
  url: string;
  api: RunningApi;
}

/**
 * An API service on a free port over the test file's database, with the
 * production defaults unless `overrides` says otherwise.
 */
export function useApiServer(
  db: TestDatabase,
  overrides: (config: ApiConfig) => Partial<ApiConfig> = () => ({}),
): TestApi {
  const handle = {} as TestApi;
  beforeAll(async () => {
    const base = parseApiConfig({ PORT: "0", LOG_LEVEL: "silent" });
    handle.api = await startApi(
      { ...base, ...overrides(base), mongoUri: db.uri, mongoDbName: db.dbName },
      pino({ level: "silent" }),
    );
    handle.url = handle.api.url;
  });
  afterAll(async () => {
    await handle.api?.close();
  });
  return handle;
}

export interface BulkResponse {
  status: number;
  headers: Headers;
  body: any;
}

/** POSTs to the REST bulk endpoint the way the docs' curl example does. */
export async function postBulk(
  url: string,
  apiKey: string | undefined,
  body: unknown,
  options: { contentType?: string; rawBody?: string; headers?: Record<string, string> } = {},
): Promise<BulkResponse> {
  const headers: Record<string, string> = {
    "Content-Type": options.contentType ?? "application/json",
    ...options.headers,
  };
  if (apiKey !== undefined) headers["x-api-key"] = apiKey;
  const response = await fetch(`${url}/api/v1/leads/bulk`, {
    method: "POST",
    headers,
    body: options.rawBody ?? JSON.stringify(body),
  });
  const text = await response.text();
  let parsed: unknown = text;
  try {
    parsed = JSON.parse(text);
  } catch {
    // left as text: the assertion will show it
  }
  return { status: response.status, headers: response.headers, body: parsed };
}

/** `count` distinct, possible US numbers starting at `start`. */
export function phones(count: number, start = 0, areaCode = 555): string[] {
  return Array.from({ length: count }, (_, i) => `+1${areaCode}${String(5_000_000 + start + i).padStart(7, "0")}`);
}
