import { createServer } from "node:net";
import type { AddressInfo } from "node:net";

/** A port nothing listens on: bound on 127.0.0.1, then let go, so a connection to it is refused. */
export async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}
