import { createServer, connect, type Server, type Socket } from "node:net";
import type { AddressInfo } from "node:net";

/**
 * A TCP proxy in front of a server, for fault tests: `cut()` drops every
 * connection and refuses new ones (the server looks down), `restore()`
 * listens again on the same port. The server behind it keeps its data.
 */
export class FaultProxy {
  private server: Server | undefined;
  private readonly sockets = new Set<Socket>();
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
      const upstream = connect(this.targetPort, this.targetHost);
      for (const socket of [client, upstream]) {
        this.sockets.add(socket);
        socket.once("close", () => this.sockets.delete(socket));
        socket.on("error", () => undefined);
      }
      client.pipe(upstream).pipe(client);
      client.once("close", () => upstream.destroy());
      upstream.once("close", () => client.destroy());
    });
    await new Promise<void>((resolve) => this.server!.listen(this.port, "127.0.0.1", resolve));
    this.port = (this.server.address() as AddressInfo).port;
  }

  async cut(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    for (const socket of this.sockets) socket.destroy();
    if (server) await new Promise((resolve) => server.close(resolve));
  }

  async restore(): Promise<void> {
    if (!this.server) await this.start();
  }

  stop(): Promise<void> {
    return this.cut();
  }
}
