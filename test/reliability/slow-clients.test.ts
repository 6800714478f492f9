import { describe, expect, it } from "vitest";
import { connect } from "node:net";
import { useApiServer } from "../support/api-server.ts";
import { useTestDatabase } from "../support/database.ts";

/**
 * Opens a raw connection, sends `first`, then `trickle` one byte every `everyMs`; resolves
 * with what came back and how much of the trickle had been sent when the server closed.
 */
function slowClient(url: string, first: string, trickle = "", everyMs = 200) {
  const { port } = new URL(url);
  return new Promise<{ response: string; trickled: number }>((resolve) => {
    const socket = connect(Number(port), "127.0.0.1");
    let response = "";
    let index = 0;
    const timer = setInterval(() => {
      if (index < trickle.length && !socket.destroyed) socket.write(trickle[index++]!);
    }, everyMs);
    socket.on("data", (chunk) => (response += chunk.toString()));
    socket.on("error", () => undefined);
    socket.on("close", () => {
      clearInterval(timer);
      resolve({ response, trickled: index });
    });
    socket.write(first);
  });
}

describe("slow clients cannot hold a connection", () => {
  const db = useTestDatabase("slow_clients");
  const server = useApiServer(db, { HEADERS_TIMEOUT_MS: "1000", REQUEST_TIMEOUT_MS: "2000" });

  it("drops a client whose headers never finish", async () => {
    const result = await slowClient(
      server.url,
      "POST /api/v1/leads/bulk HTTP/1.1\r\nHost: x\r\n",
      "X-Slow: yes".repeat(100),
      300,
    );
    // Closed by the server long before the client would have finished its headers.
    expect(result.trickled).toBeLessThan(1100);
    expect(result.response).toMatch(/^HTTP\/1\.1 408/);
  });

  it("answers 408 to a client trickling its body", async () => {
    const headers =
      "POST /api/v1/leads/bulk HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n";
    const result = await slowClient(server.url, headers, "{".repeat(1000), 100);
    expect(result.trickled).toBeLessThan(1000);
    expect(result.response).toMatch(/^HTTP\/1\.1 408/);
  });
});
