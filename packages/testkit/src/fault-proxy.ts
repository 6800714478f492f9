import { createServer, connect, type Server, type Socket } from "node:net";
import type { AddressInfo } from "node:net";

/**
 * A TCP proxy in front of a server, for fault tests: `cut()` drops every
 * connection and closes new ones at once (the server looks down),
 * `restore()` lets them through again. The port stays bound throughout, so
 * nothing else can take it meanwhile; the server behind keeps its data.
 */
export class FaultProxy {
  private server: Server | undefined;
  private readonly sockets = new Set<Socket>();
  private down = false;
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
    this.down = true;
    for (const socket of this.sockets) socket.destroy();
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
