import http from "node:http";
import https from "node:https";

/** An answer read to its end. */
export interface PostAnswer {
  status: number;
  header(name: string): string | null;
  text: string;
}

/**
 * POSTs `body` and reads the whole answer, through node:http's keep-alive agent. The batch loop
 * uses this rather than `fetch`: the first `fetch` of a process loads and compiles its HTTP
 * client, which alone raised the script's peak RSS by about 40 MiB, more than the script's
 * own work. Rejects on network errors and after `timeoutMs`.
 */
export function postText(
  url: string,
  headers: Record<string, string>,
  body: string,
  timeoutMs: number,
): Promise<PostAnswer> {
  const target = new URL(url);
  const client = target.protocol === "https:" ? https : http;
  return new Promise((resolve, reject) => {
    const request = client.request(
      target,
      {
        method: "POST",
        headers: { ...headers, "content-length": String(Buffer.byteLength(body)) },
        signal: AbortSignal.timeout(timeoutMs),
      },
      (response) => {
        const chunks: Buffer[] = [];
        response.on("data", (chunk: Buffer) => chunks.push(chunk));
        response.on("error", reject);
        response.on("end", () => {
          const value = (name: string) => response.headers[name.toLowerCase()];
          resolve({
            status: response.statusCode ?? 0,
            header: (name) => {
              const found = value(name);
              return found === undefined ? null : Array.isArray(found) ? found.join(", ") : found;
            },
            text: Buffer.concat(chunks).toString("utf8"),
          });
        });
      },
    );
    request.on("error", reject);
    request.end(body);
  });
}
