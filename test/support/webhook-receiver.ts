import { createHmac, timingSafeEqual } from "node:crypto";
import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";

/** One request the receiver got, and how it answered. */
export interface ReceivedWebhook {
  headers: IncomingHttpHeaders;
  path: string;
  body: string;
  eventId: string;
  /** The status it answered, "dropped" when it cut the connection after reading, "hung" when it never answered. */
  answer: number | "dropped" | "hung";
  at: number;
}

/**
 * How to answer the `index`-th request (0-based), given the requests before it: a status, "drop" (cut the
 * connection after reading) or "hang" (never answer, as a receiver that stalls until the sender's timeout).
 */
export type ReceiverPolicy = (request: {
  eventId: string;
  index: number;
  earlier: ReceivedWebhook[];
}) => number | "drop" | "hang";

/** A local HTTP server standing in for a customer's webhook endpoint. */
export class WebhookReceiver {
  private constructor(
    private readonly server: Server,
    readonly url: string,
    readonly received: ReceivedWebhook[],
    /** Connections open right now (one per request: senders do not keep them alive), and the most at once. */
    readonly open: { now: number; most: number },
  ) {}

  static async start(policy: ReceiverPolicy): Promise<WebhookReceiver> {
    const received: ReceivedWebhook[] = [];
    const open = { now: 0, most: 0 };
    const server = createServer((request, response) => {
      open.now += 1;
      open.most = Math.max(open.most, open.now);
      request.socket.once("close", () => (open.now -= 1));
      const chunks: Buffer[] = [];
      request.on("data", (chunk: Buffer) => chunks.push(chunk));
      request.on("end", () => {
        const body = Buffer.concat(chunks).toString("utf8");
        const eventId = String(request.headers["leadline-event-id"] ?? "");
        const earlier = [...received];
        const answer = policy({ eventId, index: earlier.length, earlier });
        received.push({
          headers: request.headers,
          path: request.url ?? "",
          body,
          eventId,
          answer: answer === "drop" ? "dropped" : answer === "hang" ? "hung" : answer,
          at: Date.now(),
        });
        // Read in full, then the connection cut before any answer: the sender cannot know it arrived.
        if (answer === "drop") request.socket.destroy();
        else if (answer === "hang") return;
        else {
          // A 3xx points at another path of this server, so a followed redirect would show.
          const location = answer >= 300 && answer < 400 ? { location: "/redirected" } : {};
          response
            .writeHead(answer, { "content-type": "text/plain", ...location })
            .end(answer < 300 ? "ok" : "not now");
        }
      });
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const { port } = server.address() as AddressInfo;
    return new WebhookReceiver(server, `http://127.0.0.1:${port}`, received, open);
  }

  get port(): number {
    return (this.server.address() as AddressInfo).port;
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

/**
 * Checks `Leadline-Signature` the way the README tells receivers to: HMAC-
 * SHA256 of `"<t>.<body>"`, compared in constant time, `t` within
 * `toleranceSeconds` of now.
 */
export function verifyWebhookSignature(secret: string, body: string, header: string, toleranceSeconds = 300): boolean {
  const parts = Object.fromEntries(header.split(",").map((part) => part.split("=", 2) as [string, string]));
  const t = Number(parts.t);
  if (!Number.isInteger(t) || Math.abs(Date.now() / 1000 - t) > toleranceSeconds) return false;
  const expected = createHmac("sha256", secret).update(`${t}.${body}`).digest();
  const given = Buffer.from(parts.v1 ?? "", "hex");
  return given.length === expected.length && timingSafeEqual(given, expected);
}
