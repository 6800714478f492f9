import { SIGNATURE_HEADER, verifySignature } from "@leadline/core";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { parseArgs } from "node:util";

const HELP = `Usage: pnpm dialer:demo [--port 4000] [--fail-rate 0]

A stand-in for the dialer: receives the dispatcher's hand-offs on
POST http://127.0.0.1:PORT/calls, checks each X-Leadline-Signature against
DIALER_SECRET, and logs one line per call. Repeats of a lead (same
Idempotency-Key) are answered 200 again and marked as repeats.

  --port N          port to listen on (default 4000)
  --fail-rate R     answer this share of calls with 503, to watch retries (0 to 1)
  -h, --help        show this help`;

const { values } = parseArgs({
  options: {
    port: { type: "string", default: "4000" },
    "fail-rate": { type: "string", default: "0" },
    help: { type: "boolean", short: "h", default: false },
  },
});
if (values.help) {
  console.log(HELP);
  process.exit(0);
}
const secret = process.env.DIALER_SECRET;
if (!secret) {
  console.error("Set DIALER_SECRET to the same value the dispatcher uses.");
  process.exit(2);
}
const failRate = Number(values["fail-rate"]);
const seen = new Set<string>();

const server = createServer(async (req, res) => {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const body = Buffer.concat(chunks).toString("utf8");
  if (req.method !== "POST" || req.url !== "/calls") {
    res.writeHead(404).end();
    return;
  }
  if (!(await verifySignature(secret, body, req.headers[SIGNATURE_HEADER.toLowerCase()] as string | undefined))) {
    console.log(`REJECTED  bad signature (check DIALER_SECRET)`);
    res.writeHead(401).end("bad signature");
    return;
  }
  const lead = JSON.parse(body) as {
    leadId: string;
    phoneNumber: string;
    priority: number;
    attempt: number;
    metadata: { name?: string } | null;
  };
  if (Math.random() < failRate) {
    console.log(`503       ${lead.phoneNumber} (simulated outage, attempt ${lead.attempt})`);
    res.writeHead(503, { "Retry-After": "2" }).end();
    return;
  }
  const key = String(req.headers["idempotency-key"]);
  const repeat = seen.has(key);
  seen.add(key);
  console.log(
    `${repeat ? "REPEAT " : "CALLING"}   ${lead.phoneNumber}  priority ${lead.priority}  attempt ${lead.attempt}  ${lead.metadata?.name ?? ""}`,
  );
  res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ accepted: true, repeat }));
});

server.listen(Number(values.port), "127.0.0.1", () => {
  // The port actually bound, so that --port 0 (any free port) says where it is.
  const { port } = server.address() as AddressInfo;
  console.log(`demo dialer listening on http://127.0.0.1:${port}/calls`);
});
