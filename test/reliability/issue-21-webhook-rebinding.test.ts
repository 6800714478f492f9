import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createNodeWebhookTransport } from "../../services/importer/src/webhook-transport.node.ts";
import { closedPort } from "../support/closed-port.ts";
import { WebhookReceiver } from "../support/webhook-receiver.ts";
import {
  runTransportCases,
  type TransportCasePorts,
  type TransportCaseResults,
} from "../support/webhook-transport-cases.ts";

const importerDir = fileURLToPath(new URL("../../services/importer/", import.meta.url));
const denoScript = fileURLToPath(new URL("../support/deno-webhook-transport.ts", import.meta.url));

async function underDeno(ports: TransportCasePorts): Promise<TransportCaseResults> {
  const { stdout } = await promisify(execFile)(
    `${importerDir}node_modules/deno/deno`,
    ["run", "--config", "deno.json", "--allow-net", "--allow-env", "--allow-read", denoScript, JSON.stringify(ports)],
    { cwd: importerDir },
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
  let results: TransportCaseResults;
  beforeAll(async () => {
    ok = await WebhookReceiver.start(() => 200);
    const unavailable = await WebhookReceiver.start(() => 503);
    const hanging = await WebhookReceiver.start(() => "hang");
    const dropping = await WebhookReceiver.start(() => "drop");
    receivers.push(ok, unavailable, hanging, dropping);
    const ports = {
      ok: ok.port,
      unavailable: unavailable.port,
      hanging: hanging.port,
      dropping: dropping.port,
      closed: await closedPort(),
    };
    results = runtime === "node" ? await runTransportCases(createNodeWebhookTransport, ports) : await underDeno(ports);
  }, 60_000);
  afterAll(async () => {
    await Promise.all(receivers.map((receiver) => receiver.close()));
  });

  it("checks the address it connects to: a name rebound to 127.0.0.1 after the check is refused and sent nothing", () => {
    expect(results.rebinding).toEqual({
      delivered: false,
      permanent: true,
      error: "refused: rebind.example (127.0.0.1) is a loopback address; set WEBHOOK_ALLOW_PRIVATE=true to allow",
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
});
