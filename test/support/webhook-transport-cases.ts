// Runtime-neutral: run in-process under Node by vitest, and under Deno by deno-webhook-transport.ts.
import { sendWebhook, type SendResult } from "../../services/background-worker/src/send-webhook.ts";
import {
  checkTarget,
  type ResolveHost,
  type WebhookTransport,
} from "../../services/background-worker/src/webhook-target.ts";

/** Local ports the cases send to: receivers started by the test, and one nothing listens on. */
export interface TransportCasePorts {
  ok: number;
  unavailable: number;
  hanging: number;
  dropping: number;
  closed: number;
  /** HTTPS with a self-signed certificate for `rebind.example`. */
  selfSigned: number;
  /** Answers `HTTP/1.1 600 Weird` and then nothing, keeping the connection open. */
  badStatus: number;
}

/** A runtime's transport, built the way its entry file builds it. */
export type MakeTransport = (resolveHost: ResolveHost, allowPrivate: boolean) => WebhookTransport;

export type TransportCaseResults = Record<string, SendResult & { resolutions?: number; abortListenersLeft?: number }>;

const event = {
  _id: "lead.completed:rebinding-test:1",
  accountId: undefined as never,
  type: "lead.completed",
  payload: { lead: { id: "rebinding-test" } },
  createdAt: new Date(0),
};

const send = (transport: WebhookTransport, url: string, timeoutMs = 5_000) =>
  sendWebhook({ url, secret: "whsec_test", event, timeoutMs, transport, signal: new AbortController().signal });

/** A signal that counts the abort listeners added to it and not removed. */
function countingSignal(): { signal: AbortSignal; left: () => number } {
  const { signal } = new AbortController();
  const listeners = new Set<unknown>();
  const add = signal.addEventListener.bind(signal);
  const remove = signal.removeEventListener.bind(signal);
  signal.addEventListener = ((type: string, listener: EventListener, options?: AddEventListenerOptions) => {
    if (type === "abort") listeners.add(listener);
    add(type, listener, options);
  }) as typeof signal.addEventListener;
  signal.removeEventListener = ((type: string, listener: EventListener, options?: EventListenerOptions) => {
    if (type === "abort") listeners.delete(listener);
    remove(type, listener, options);
  }) as typeof signal.removeEventListener;
  return { signal, left: () => listeners.size };
}

/** A resolver that never answers, as a DNS server that drops every query. */
const stalled: ResolveHost = () => new Promise<string[]>(() => undefined);

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
  const check = await checkTarget(new URL(rebound), rebinding, false, AbortSignal.timeout(5_000));
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
  results.selfSigned = await send(allowed, `https://rebind.example:${ports.selfSigned}/`);
  results.badStatus = await send(allowed, `http://127.0.0.1:${ports.badStatus}/`);

  // A name whose resolution never answers: the attempt's timeout ends it, as one that never connects.
  results.stalledResolution = await send(make(stalled, false), `http://stalls.example:${ports.ok}/`, 300);

  // A delivered request leaves no listener on the attempt's signal, which outlives it when the worker's stop signal.
  const counting = countingSignal();
  const { status } = await allowed({
    url: new URL(`http://rebind.example:${ports.ok}/listeners`),
    headers: {},
    body: "{}",
    signal: counting.signal,
  });
  results.listeners = { delivered: true, statusCode: status, abortListenersLeft: counting.left() };
  return results;
}
