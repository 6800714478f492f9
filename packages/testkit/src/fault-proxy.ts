import { createServer, connect, type Server, type Socket } from "node:net";
import type { AddressInfo } from "node:net";

interface Link {
  client: Socket;
  upstream: Socket;
  /** Answers kept back from the client while this link is held. */
  held: Buffer[] | undefined;
  /** Called when the first held answer arrives. */
  onHeld?: () => void;
}

/** The two moments of a held request. */
export interface HeldRequest {
  /** The request has been passed to the server. */
  sent: Promise<void>;
  /** The server has answered it (so it has applied it); the answer is being held. */
  answered: Promise<void>;
}

/**
 * A TCP proxy in front of a server, for fault tests: `cut()` drops every
 * connection and closes new ones at once (the server looks down),
 * `restore()` lets them through again, and `holdAnswerTo(marker)` keeps a
 * request in flight on purpose: the request reaches the server, its answer
 * waits until `release()`. The port stays bound throughout, so nothing else
 * can take it meanwhile; the server behind keeps its data.
 */
export class FaultProxy {
  private server: Server | undefined;
  private readonly links = new Set<Link>();
  private down = false;
  private watch: { marker: Buffer; sent: () => void; answered: () => void } | undefined;
  private readonly tallies: { marker: Buffer; count: number }[] = [];
  port = 0;

  constructor(
    private readonly targetHost: string,
    private readonly targetPort: number,
  ) {}

  /** `mongodb://127.0.0.1:27017/...` → a proxy for that host and port. */
  static forMongoUri(uri: string): FaultProxy {
    const match = /^mongodb:\/\/([^:/]+):(\d+)/.exec(uri);
    if (!match) throw new Error(`cannot proxy ${uri}`);
    return new FaultProxy(match[1]!, Number(match[2]));
  }

  /** The same URI, pointed at the proxy. */
  rewrite(uri: string): string {
    return uri.replace(/^mongodb:\/\/[^/]+/, `mongodb://127.0.0.1:${this.port}`);
  }

  async start(): Promise<void> {
    this.server = createServer((client) => {
      if (this.down) {
        client.destroy();
        return;
      }
      const link: Link = { client, upstream: connect(this.targetPort, this.targetHost), held: undefined };
      this.links.add(link);
      for (const socket of [client, link.upstream]) socket.on("error", () => undefined);
      client.on("data", (chunk: Buffer) => {
        // A command is written whole, so its name and collection arrive in one chunk.
        for (const tally of this.tallies) if (chunk.includes(tally.marker)) tally.count += 1;
        if (this.watch && chunk.includes(this.watch.marker)) {
          link.held = [];
          link.onHeld = this.watch.answered;
          this.watch.sent();
          this.watch = undefined;
        }
        link.upstream.write(chunk);
      });
      link.upstream.on("data", (chunk: Buffer) => {
        if (!link.held) {
          client.write(chunk);
          return;
        }
        link.held.push(chunk);
        link.onHeld?.();
        link.onHeld = undefined;
      });
      client.once("close", () => {
        link.upstream.destroy();
        this.links.delete(link);
      });
      link.upstream.once("close", () => client.destroy());
    });
    await new Promise<void>((resolve) => this.server!.listen(this.port, "127.0.0.1", resolve));
    this.port = (this.server.address() as AddressInfo).port;
  }

  /**
   * Holds the next request whose bytes contain `marker` (e.g. `"insert"`): it
   * reaches the server, and that connection's answers wait until {@link release}.
   */
  holdAnswerTo(marker: string): HeldRequest {
    let sent!: () => void;
    let answered!: () => void;
    const held = {
      sent: new Promise<void>((resolve) => (sent = resolve)),
      answered: new Promise<void>((resolve) => (answered = resolve)),
    };
    this.watch = { marker: Buffer.from(marker), sent, answered };
    return held;
  }

  /**
   * Counts, from now on, the requests whose bytes contain `marker` (e.g. a
   * collection's name): read `count` for how many reached the server.
   */
  tallyRequestsWith(marker: string): { readonly count: number } {
    const tally = { marker: Buffer.from(marker), count: 0 };
    this.tallies.push(tally);
    return tally;
  }

  /** Lets held answers through, in order, and stops holding. */
  release(): void {
    this.watch = undefined;
    for (const link of this.links) {
      const held = link.held;
      link.held = undefined;
      for (const chunk of held ?? []) link.client.write(chunk);
    }
  }

  async cut(): Promise<void> {
    this.down = true;
    this.watch = undefined;
    for (const link of this.links) {
      link.client.destroy();
      link.upstream.destroy();
    }
  }

  async restore(): Promise<void> {
    this.down = false;
  }

  async stop(): Promise<void> {
    await this.cut();
    const server = this.server;
    this.server = undefined;
    if (server) await new Promise((resolve) => server.close(resolve));
  }
}
