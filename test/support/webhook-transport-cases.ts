// Runtime-neutral: run in-process under Node by vitest, and under Deno by deno-webhook-transport.ts.
import { sendWebhook, type SendResult } from "../../services/importer/src/send-webhook.ts";
import { checkTarget, type ResolveHost, type WebhookTransport } from "../../services/importer/src/webhook-target.ts";

/** Local ports the cases send to: receivers started by the test, and one nothing listens on. */
export interface TransportCasePorts {
  ok: number;
  unavailable: number;
  hanging: number;
  dropping: number;
  closed: number;
}

/** A runtime's transport, built the way its entry file builds it. */
export type MakeTransport = (resolveHost: ResolveHost, allowPrivate: boolean) => WebhookTransport;

export type TransportCaseResults = Record<string, SendResult & { resolutions?: number }>;

const event = {
  _id: "lead.completed:rebinding-test:1",
  accountId: undefined as never,
  type: "lead.completed",
  payload: { lead: { id: "rebinding-test" } },
  createdAt: new Date(0),
};

const send = (transport: WebhookTransport, url: string, timeoutMs = 5_000) =>
  sendWebhook({ url, secret: "whsec_test", event, timeoutMs, transport, signal: new AbortController().signal });

/**
 * Each case a delivery attempt makes, as the loop makes it: the early check
 * (`checkTarget`), then the POST through the runtime's transport.
 */
export async function runTransportCases(make: MakeTransport, ports: TransportCasePorts): Promise<TransportCaseResults> {
  const results: TransportCaseResults = {};

  // DNS rebinding: a public address for the early check, loopback for the connection.
  let resolutions = 0;
  const rebinding: ResolveHost = async () => (++resolutions === 1 ? ["203.0.113.7"] : ["127.0.0.1"]);
  const rebound = `http://rebind.example:${ports.ok}/rebound`;
  const check = await checkTarget(new URL(rebound), rebinding, false);
  if (!check.allowed) throw new Error(`the early check refused the public answer: ${check.error}`);
  results.rebinding = { ...(await send(make(rebinding, false), rebound)), resolutions };

  // The connection goes where the transport's resolution said, under the URL's name.
  const loopback: ResolveHost = async () => ["127.0.0.1"];
  const allowed = make(loopback, true);
  results.resolvedName = await send(allowed, `http://rebind.example:${ports.ok}/hook`);
  results.unavailable = await send(allowed, `http://127.0.0.1:${ports.unavailable}/`);
  results.refusedConnection = await send(allowed, `http://127.0.0.1:${ports.closed}/`);
  results.tls = await send(allowed, `https://rebind.example:${ports.ok}/`);
  results.hanging = await send(allowed, `http://127.0.0.1:${ports.hanging}/`, 300);
  results.dropped = await send(allowed, `http://127.0.0.1:${ports.dropping}/`);
  return results;
}
