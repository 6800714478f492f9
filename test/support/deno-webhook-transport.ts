// Runs the transport cases under Deno with the Deno entry's transport; prints the results as one JSON line.
import { createDenoWebhookTransport } from "../../services/background-worker/src/webhook-transport.deno.ts";
import { runTransportCases, type TransportCasePorts } from "./webhook-transport-cases.ts";

declare const Deno: { args: string[] };

const ports = JSON.parse(Deno.args[0]!) as TransportCasePorts;
console.log(JSON.stringify(await runTransportCases(createDenoWebhookTransport, ports)));
