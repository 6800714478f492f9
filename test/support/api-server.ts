import { afterAll, beforeAll } from "vitest";
import { startApiOn } from "@leadline/api-service";
import { startApiProcess, type RuntimeName } from "@leadline/testkit";
import type { TestDatabase } from "./database.ts";

export interface TestApi {
  url: string;
}

/** The runtimes the API's contract tests run under. */
export const API_RUNTIMES: RuntimeName[] = ["node", "deno"];

/**
 * An API service on a free port over the test file's database, configured
 * by environment variables as in production. Under Node it runs in this
 * process; under Deno as its own process, as `pnpm start:deno` runs it.
 */
export function useApiServer(
  db: TestDatabase,
  env: Record<string, string> = {},
  runtime: RuntimeName = "node",
): TestApi {
  const handle = {} as TestApi;
  let stop: (() => Promise<unknown>) | undefined;
  beforeAll(async () => {
    if (runtime === "deno") {
      const api = await startApiProcess({ MONGODB_URI: db.uri, MONGODB_DB: db.dbName, ...env }, { runtime });
      handle.url = api.url;
      stop = () => api.stop();
      return;
    }
    const api = await startApiOn({ uri: db.uri, dbName: db.dbName }, env);
    handle.url = api.url;
    stop = () => api.close();
  });
  afterAll(async () => {
    await stop?.();
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
