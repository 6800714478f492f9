// Deno's webhook transport: a plain HTTP/1.1 POST over a socket to the address checked at connect time.
import {
  connectAddress,
  DeliveryConnectError,
  TargetRefusedError,
  type ConnectFailure,
  type ResolveHost,
  type WebhookTransport,
} from "./webhook-target.ts";

interface DenoConn {
  read(buffer: Uint8Array): Promise<number | null>;
  write(bytes: Uint8Array): Promise<number>;
  close(): void;
}

declare const Deno: {
  connect(options: { hostname: string; port: number }): Promise<DenoConn>;
  startTls(conn: DenoConn, options: { hostname: string }): Promise<DenoConn>;
};

/** Longest status line and interim headers read before the answer counts as not HTTP. */
const MAX_HEAD_BYTES = 16 * 1024;

const FAILURE_BY_NAME: Record<string, ConnectFailure> = {
  ConnectionRefused: "refused",
  ConnectionReset: "reset",
  ConnectionAborted: "reset",
  BrokenPipe: "reset",
  UnexpectedEof: "reset",
  // Deno reports certificate and handshake faults as InvalidData.
  InvalidData: "tls",
};

const classified = (error: unknown, tlsStep: boolean): Error => {
  if (error instanceof TargetRefusedError || error instanceof DeliveryConnectError) return error;
  const name = error instanceof Error ? error.name : "Error";
  const message = error instanceof Error ? error.message : String(error);
  const kind = tlsStep && name !== "ConnectionReset" ? "tls" : (FAILURE_BY_NAME[name] ?? "other");
  return new DeliveryConnectError(kind, `${name}: ${message}`, { cause: error });
};

/** Rejects with the signal's reason once it aborts; a value that arrives later is closed. */
function untilAborted<T extends DenoConn>(pending: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) {
    void pending.then(
      (conn) => conn.close(),
      () => undefined,
    );
    return Promise.reject(signal.reason);
  }
  return new Promise((resolve, reject) => {
    const onAbort = () => {
      void pending.then(
        (conn) => conn.close(),
        () => undefined,
      );
      reject(signal.reason);
    };
    signal.addEventListener("abort", onAbort, { once: true });
    pending.then(
      (conn) => {
        signal.removeEventListener("abort", onAbort);
        if (signal.aborted) conn.close();
        else resolve(conn);
      },
      (error: unknown) => {
        signal.removeEventListener("abort", onAbort);
        reject(error);
      },
    );
  });
}

/** Bytes of `HTTP/1.1 200 ` a status line starts with: past them, an answer that is not one fails at once. */
const STATUS_PREFIX_BYTES = 13;

/**
 * The status of the final answer: interim (1xx) answers are skipped, the rest of the answer is not read.
 * A status line that is not HTTP/1.x with a 1xx to 5xx status fails as soon as its first 13 bytes are in.
 */
async function readStatus(conn: DenoConn): Promise<number> {
  const decoder = new TextDecoder();
  const buffer = new Uint8Array(4096);
  let head = "";
  for (;;) {
    const final = /^HTTP\/1\.[01] ([2-5]\d\d)[ \r]/.exec(head);
    if (final) return Number(final[1]);
    const interimEnd = /^HTTP\/1\.[01] 1\d\d[^\r]*\r\n/.test(head) ? head.indexOf("\r\n\r\n") : -1;
    if (interimEnd !== -1) {
      head = head.slice(interimEnd + 4);
      continue;
    }
    if (head.length >= STATUS_PREFIX_BYTES && !/^HTTP\/1\.[01] [1-5]\d\d[ \r]/.test(head))
      throw new DeliveryConnectError("protocol", "not an HTTP/1.x status line with a 1xx to 5xx status");
    if (head.length > MAX_HEAD_BYTES) throw new DeliveryConnectError("protocol", "no status line in the first 16 KiB");
    const read = await conn.read(buffer);
    if (read === null) throw new DeliveryConnectError("reset", "connection closed before a status line");
    head += decoder.decode(buffer.subarray(0, read), { stream: true });
  }
}

function requestBytes(url: URL, headers: Record<string, string>, body: Uint8Array): Uint8Array {
  const lines = [`POST ${url.pathname}${url.search} HTTP/1.1`, `Host: ${url.host}`];
  for (const [name, value] of Object.entries(headers)) lines.push(`${name}: ${value}`);
  lines.push(`Content-Length: ${body.length}`, "Connection: close", "", "");
  const head = new TextEncoder().encode(lines.join("\r\n"));
  const bytes = new Uint8Array(head.length + body.length);
  bytes.set(head);
  bytes.set(body, head.length);
  return bytes;
}

async function writeAll(conn: DenoConn, bytes: Uint8Array): Promise<void> {
  for (let written = 0; written < bytes.length; ) written += await conn.write(bytes.subarray(written));
}

/**
 * Sends each webhook over a socket of its own: resolves and checks the host
 * with {@link connectAddress}, connects to that very address, and for https
 * starts TLS with the URL's host name (SNI and certificate verification). The
 * request is written as HTTP/1.1 with `Host` and `Connection: close`; only the
 * status line is read. Deno's `fetch` cannot be pointed at an address of our
 * choosing and still speak TLS to the name (its `tcp` proxy transport sends
 * https in the clear), hence this small client.
 */
export function createDenoWebhookTransport(resolveHost: ResolveHost, allowPrivate: boolean): WebhookTransport {
  return async ({ url, headers, body, signal }) => {
    // The resolver may stall too: connectAddress gives up on it when the attempt's signal ends.
    const { address } = await connectAddress(url.hostname, resolveHost, allowPrivate, signal);
    const https = url.protocol === "https:";
    const port = Number(url.port) || (https ? 443 : 80);
    let conn: DenoConn | undefined;
    let tlsStep = false;
    const closeOnAbort = () => conn?.close();
    signal.addEventListener("abort", closeOnAbort, { once: true });
    try {
      conn = await untilAborted(Deno.connect({ hostname: address, port }), signal);
      if (https) {
        tlsStep = true;
        conn = await untilAborted(Deno.startTls(conn, { hostname: url.hostname.replace(/^\[|\]$/g, "") }), signal);
        tlsStep = false;
      }
      await writeAll(conn, requestBytes(url, headers, new TextEncoder().encode(body)));
      return { status: await readStatus(conn) };
    } catch (error) {
      throw classified(error, tlsStep);
    } finally {
      signal.removeEventListener("abort", closeOnAbort);
      try {
        conn?.close();
      } catch {
        // Closed already (by an abort, or by startTls taking the plain socket over).
      }
    }
  };
}
