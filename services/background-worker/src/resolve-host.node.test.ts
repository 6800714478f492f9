import { createSocket } from "node:dgram";
import type { AddressInfo } from "node:net";
import { describe, expect, it } from "vitest";
import { createNodeResolveHost } from "./resolve-host.node.ts";

describe("createNodeResolveHost", () => {
  it("gives up when the attempt's signal ends, although the DNS server never answers and its own timeout is far", async () => {
    // A DNS server that reads every query and answers none.
    const silent = createSocket("udp4");
    let queries = 0;
    silent.on("message", () => (queries += 1));
    await new Promise<void>((resolve) => silent.bind(0, "127.0.0.1", resolve));
    const { port } = silent.address() as AddressInfo;
    try {
      const resolveHost = createNodeResolveHost(600_000, [`127.0.0.1:${port}`]);
      const outcome = await resolveHost("hooks.example.com", AbortSignal.timeout(200)).then(
        (addresses) => ({ addresses }),
        (error: NodeJS.ErrnoException) => ({ code: error.code }),
      );
      expect(outcome).toEqual({ code: "ECANCELLED" });
      expect(queries).toBeGreaterThanOrEqual(1);
    } finally {
      silent.close();
    }
  });
});
