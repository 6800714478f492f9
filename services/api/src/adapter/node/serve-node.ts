import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { FetchApp } from "../../http/fetch-app.ts";

export interface NodeServeOptions {
  port: number;
  host: string;
  requestTimeoutMs: number;
  headersTimeoutMs: number;
  shutdownTimeoutMs: number;
  /** Called when the app itself throws, which it should never do. */
  onCrash(error: unknown): void;
}

export interface NodeServer {
  server: Server;
  /** Base URL, e.g. http://127.0.0.1:3000. */
  url: string;
  /** Stops accepting, lets requests in flight finish (up to the shutdown timeout). */
  close(): Promise<void>;
}

interface RequestBody {
  stream: ReadableStream<Uint8Array>;
  /** Reads and drops whatever the app left unread, so that the connection can serve the next request. */
  discardRest(): void;
}

/**
 * The body as a web stream that reads only as fast as the app asks. What
 * the app leaves unread (a body refused before or while reading it) is
 * drained, not buffered; the server's request timeout bounds how long.
 */
function bodyOf(req: IncomingMessage): RequestBody {
  let open = true;
  const discardRest = () => {
    open = false;
    req.resume();
  };
  const stream = new ReadableStream<Uint8Array>({
    start(controller) {
      req.on("data", (chunk: Buffer) => {
        if (!open) return;
        controller.enqueue(new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength));
        if ((controller.desiredSize ?? 0) <= 0) req.pause();
      });
      req.once("end", () => {
        if (open) controller.close();
        open = false;
      });
      req.once("error", (error) => {
        if (open) controller.error(error);
        open = false;
      });
      req.pause();
    },
    pull() {
      req.resume();
    },
    cancel: discardRest,
  });
  return { stream, discardRest };
}

/** The methods the API answers on some path. */
const ALLOWED_METHODS = "GET, HEAD, POST, PATCH, DELETE";

function toWebRequest(req: IncomingMessage, body: RequestBody | undefined, signal: AbortSignal): Request {
  const headers = new Headers();
  for (let i = 0; i < req.rawHeaders.length; i += 2) headers.append(req.rawHeaders[i]!, req.rawHeaders[i + 1]!);
  return new Request(`http://${req.headers.host ?? "localhost"}${req.url ?? "/"}`, {
    method: req.method,
    headers,
    body: body?.stream ?? null,
    signal,
    // Node's fetch needs this to accept a streamed body.
    ...({ duplex: "half" } as object),
  });
}

async function writeWebResponse(response: Response, res: ServerResponse, closing: boolean): Promise<void> {
  const headers: Record<string, string | string[]> = {};
  for (const [name, value] of response.headers) headers[name] = value;
  // Shutting down: the client must not send another request on this connection.
  if (closing) res.shouldKeepAlive = false;
  res.writeHead(response.status, headers);
  if (!response.body) {
    res.end();
    return;
  }
  for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
    if (!res.write(chunk)) await new Promise((resolve) => res.once("drain", resolve));
  }
  res.end();
}

/**
 * Serves `app` over node:http with the protections a public endpoint needs:
 * header and request timeouts checked often enough to matter (a trickling
 * client gets 408), and a graceful close.
 */
export async function serveNode(app: FetchApp, options: NodeServeOptions): Promise<NodeServer> {
  let closing: Promise<void> | undefined;
  const server = createServer(
    {
      requestTimeout: options.requestTimeoutMs,
      headersTimeout: options.headersTimeoutMs,
      // Node checks those timeouts only this often (30 s by default), so a trickling client would get far more time.
      connectionsCheckingInterval: Math.max(250, Math.min(5_000, Math.floor(options.headersTimeoutMs / 4))),
    },
    (req, res) => {
      const aborted = new AbortController();
      res.once("close", () => {
        if (!res.writableFinished) aborted.abort();
      });
      const body = req.method === "GET" || req.method === "HEAD" ? undefined : bodyOf(req);
      let request: Request;
      try {
        request = toWebRequest(req, body, aborted.signal);
      } catch {
        // A method fetch forbids (TRACE) cannot become a Request; thrown here it would end the process.
        body?.discardRest();
        res.writeHead(405, { "Content-Type": "application/json; charset=utf-8", Allow: ALLOWED_METHODS });
        res.end(JSON.stringify({ success: false, data: null, error: `Method ${req.method} is not allowed` }));
        return;
      }
      app(request, { remoteAddress: req.socket.remoteAddress ?? "unknown" })
        .then((response) => {
          body?.discardRest();
          return writeWebResponse(response, res, closing !== undefined);
        })
        .catch((error: unknown) => {
          options.onCrash(error);
          if (!res.headersSent) res.writeHead(500, { "Content-Type": "application/json; charset=utf-8" });
          res.end('{"success":false,"data":null,"error":"Internal server error"}');
        });
    },
  );
  server.keepAliveTimeout = 5_000;
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port, options.host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const host = options.host.includes(":") ? `[${options.host}]` : options.host;

  const close = () =>
    (closing ??= (async () => {
      const drained = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      const timer = setTimeout(() => server.closeAllConnections(), options.shutdownTimeoutMs);
      await drained;
      clearTimeout(timer);
    })());
  return { server, url: `http://${host}:${port}`, close };
}
