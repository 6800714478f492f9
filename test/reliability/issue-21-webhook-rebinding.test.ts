import { execFile } from "node:child_process";
import { createServer } from "node:net";
import type { AddressInfo, Socket } from "node:net";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createNodeWebhookTransport } from "../../services/background-worker/src/webhook-transport.node.ts";
import { closedPort } from "../support/closed-port.ts";
import { startSelfSignedReceiver, type SelfSignedReceiver } from "../support/self-signed-receiver.ts";
import { WebhookReceiver } from "../support/webhook-receiver.ts";
import {
  runTransportCases,
  type TransportCasePorts,
  type TransportCaseResults,
} from "../support/webhook-transport-cases.ts";

const backgroundWorkerDir = fileURLToPath(new URL("../../services/background-worker/", import.meta.url));
const denoScript = fileURLToPath(new URL("../support/deno-webhook-transport.ts", import.meta.url));

/** A server that answers every connection with a head whose status is outside 1xx–5xx, then nothing, keeping it open. */
async function badStatusServer(): Promise<{ port: number; close(): Promise<void> }> {
  const sockets = new Set<Socket>();
  const server = createServer((socket) => {
    sockets.add(socket);
    socket.on("error", () => undefined);
    socket.write("HTTP/1.1 600 Weird\r\nContent-Length: 5\r\n\r\n");
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    port: (server.address() as AddressInfo).port,
    close: () => {
      for (const socket of sockets) socket.destroy();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}

async function underDeno(ports: TransportCasePorts): Promise<TransportCaseResults> {
  const { stdout } = await promisify(execFile)(
    `${backgroundWorkerDir}node_modules/deno/deno`,
    ["run", "--config", "deno.json", "--allow-net", "--allow-env", "--allow-read", denoScript, JSON.stringify(ports)],
    { cwd: backgroundWorkerDir },
  );
  return JSON.parse(stdout.trim().split("\n").at(-1)!) as TransportCaseResults;
}

/**
 * Issue 21, item 11: the SSRF check resolved a webhook's host, then `fetch`
 * resolved it again to connect, so a name that answered a public address to
 * the check and 127.0.0.1 to the connection (DNS rebinding) reached the
 * private network. And tenants saw the socket's own error text in lastError.
 */
describe.each(["node", "deno"] as const)("webhook transport under %s", (runtime) => {
  const receivers: WebhookReceiver[] = [];
  let ok: WebhookReceiver;
  let selfSigned: SelfSignedReceiver;
  let badStatus: Awaited<ReturnType<typeof badStatusServer>>;
  let results: TransportCaseResults;
  beforeAll(async () => {
    ok = await WebhookReceiver.start(() => 200);
    const unavailable = await WebhookReceiver.start(() => 503);
    const hanging = await WebhookReceiver.start(() => "hang");
    const dropping = await WebhookReceiver.start(() => "drop");
    receivers.push(ok, unavailable, hanging, dropping);
    selfSigned = await startSelfSignedReceiver("rebind.example");
    badStatus = await badStatusServer();
    const ports = {
      ok: ok.port,
      unavailable: unavailable.port,
      hanging: hanging.port,
      dropping: dropping.port,
      closed: await closedPort(),
      selfSigned: selfSigned.port,
      badStatus: badStatus.port,
    };
    results = runtime === "node" ? await runTransportCases(createNodeWebhookTransport, ports) : await underDeno(ports);
  }, 60_000);
  afterAll(async () => {
    await Promise.all([...receivers.map((receiver) => receiver.close()), selfSigned?.close(), badStatus?.close()]);
  });

  it("checks the address it connects to: a name rebound to 127.0.0.1 after the check is refused and sent nothing", () => {
    // The tenant is not told where their name led inside; the worker log is.
    expect(results.rebinding).toEqual({
      delivered: false,
      permanent: true,
      error: "refused: the host resolves to a non-public address",
      detail: "refused: rebind.example (127.0.0.1) is a loopback address; set WEBHOOK_ALLOW_PRIVATE=true to allow",
      resolutions: 2,
    });
    expect(ok.received.filter((request) => request.path === "/rebound")).toEqual([]);
  });

  it("connects to the address its own resolution answered, with the URL's host in Host", () => {
    expect(results.resolvedName).toEqual({ delivered: true, statusCode: 200 });
    const [request] = ok.received.filter((entry) => entry.path === "/hook");
    expect(request!.headers.host).toBe(`rebind.example:${ok.port}`);
    expect(request!.eventId).toBe("lead.completed:rebinding-test:1");
  });

  it("tells tenants a generic error, keeping the socket's words for the worker log", () => {
    expect(results.unavailable).toEqual({ delivered: false, statusCode: 503, error: "HTTP 503" });
    expect(results.refusedConnection).toMatchObject({ delivered: false, error: "connection refused" });
    expect(results.tls).toMatchObject({ delivered: false, error: "TLS failed" });
    expect(results.hanging).toMatchObject({ delivered: false, error: "timed out after 0.3 s" });
    expect(results.dropped).toMatchObject({ delivered: false, error: "connection closed before an answer" });
    for (const name of ["refusedConnection", "tls", "dropped"]) {
      const result = results[name]!;
      if (result.delivered) throw new Error(`${name} was delivered`);
      expect(result.detail, name).toEqual(expect.any(String));
      expect(result.error).not.toContain(result.detail);
    }
  });

  it("verifies the receiver's certificate: a self-signed one fails the handshake as TLS failed, and nothing is sent", () => {
    expect(results.selfSigned).toMatchObject({ delivered: false, error: "TLS failed" });
    expect(selfSigned.requests).toBe(0);
  });

  it("fails a status line outside 1xx-5xx at once as not HTTP, rather than waiting for the timeout", () => {
    expect(results.badStatus).toMatchObject({ delivered: false, error: "the answer was not valid HTTP" });
  });

  it("ends an attempt whose name never resolves at its timeout, as timed out", () => {
    expect(results.stalledResolution).toMatchObject({ delivered: false, error: "timed out after 0.3 s" });
  });

  it("leaves no abort listener on the signal it was given once the request is done", () => {
    expect(results.listeners).toEqual({ delivered: true, statusCode: 200, abortListenersLeft: 0 });
  });
});
