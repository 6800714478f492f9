import { SIGNATURE_HEADER, verifyPayload } from "@leadline/core";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";

export interface DialerCall {
  at: number;
  idempotencyKey: string;
  /** `Leadline-Signature` signs the body under the dialer's secret, its timestamp within the tolerance window. */
  signatureValid: boolean;
  /** The raw `Leadline-Signature` and the headers beside it, for tests that look closer. */
  headers: Record<string, string | string[] | undefined>;
  body: { leadId: string; phoneNumber: string; priority: number; attempt: number; campaignId: string };
}

export interface DialerAnswer {
  status: number;
  /** The answer's body; by default "ok", or "nope" for a status of 400 and above. */
  body?: string;
  headers?: Record<string, string>;
  /** Hold the answer this long (a slow or hanging dialer). */
  delayMs?: number;
  /** Drop the connection instead of answering (a network error). */
  destroy?: boolean;
  /** Send `body` again and again, never ending the answer, until the caller hangs up. */
  endless?: boolean;
}

/** A dialer that records every hand-off and answers as the test tells it. */
export class TestDialer {
  readonly calls: DialerCall[] = [];
  answer: (call: DialerCall) => DialerAnswer = () => ({ status: 200 });
  private server: Server | undefined;
  url = "";

  constructor(private readonly secret: string) {}

  async start(): Promise<void> {
    this.server = createServer(async (req, res) => {
      const chunks: Buffer[] = [];
      for await (const chunk of req) chunks.push(chunk as Buffer);
      const raw = Buffer.concat(chunks).toString("utf8");
      const call: DialerCall = {
        at: Date.now(),
        idempotencyKey: String(req.headers["idempotency-key"]),
        signatureValid: await verifyPayload(this.secret, raw, req.headers[SIGNATURE_HEADER.toLowerCase()] as string),
        headers: req.headers,
        body: JSON.parse(raw),
      };
      this.calls.push(call);
      const answer = this.answer(call);
      if (answer.destroy) {
        req.socket.destroy();
        return;
      }
      const body = answer.body ?? (answer.status >= 400 ? "nope" : "ok");
      const send = () => {
        if (res.destroyed) return;
        res.writeHead(answer.status, answer.headers);
        if (!answer.endless) {
          res.end(body);
          return;
        }
        const more = () => {
          while (!res.destroyed && res.write(body));
          if (!res.destroyed) res.once("drain", more);
        };
        more();
      };
      if (answer.delayMs) setTimeout(send, answer.delayMs);
      else send();
    });
    await new Promise<void>((resolve) => this.server!.listen(0, "127.0.0.1", resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/calls`;
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise((resolve) => this.server?.close(resolve));
  }

  callsFor(leadId: string): DialerCall[] {
    return this.calls.filter((call) => call.body.leadId === leadId);
  }
}

/** Polls `check` until it returns true, failing with `what` after `timeoutMs`. */
export async function waitFor(
  what: string,
  check: () => Promise<boolean> | boolean,
  timeoutMs = 30_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
