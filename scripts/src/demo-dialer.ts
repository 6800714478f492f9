import { CALL_OUTCOMES, readUpTo, SIGNATURE_HEADER, verifyPayload, type CallOutcome } from "@leadline/core";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { parseArgs } from "node:util";

const HELP = `Usage: pnpm dialer:demo [--port 4000] [--fail-rate 0] [--report-to URL --api-key KEY]

A stand-in for the dialer: receives the dispatcher's hand-offs on
POST http://127.0.0.1:PORT/calls, checks each Leadline-Signature against
DIALER_SECRET (and that it was made within the last 5 minutes), and logs one
line per call. Repeats of a hand-off (same Idempotency-Key, <leadId>:<attempt>)
are answered 200 again and marked as repeats.

  --port N          port to listen on (default 4000)
  --fail-rate R     answer this share of calls with 503, to watch retries (0 to 1)
  --report-to URL   after each call, report a random outcome to URL/api/v1/outcomes
                    (connected, no_answer, busy, voicemail, opted_out, invalid_number, failed)
  --api-key KEY     API key with the dialer scope, for --report-to
  -h, --help        show this help`;

const { values } = parseArgs({
  options: {
    port: { type: "string", default: "4000" },
    "fail-rate": { type: "string", default: "0" },
    "report-to": { type: "string" },
    "api-key": { type: "string" },
    help: { type: "boolean", short: "h", default: false },
  },
});
if (values.help) {
  console.log(HELP);
  process.exit(0);
}
const secret = process.env.DIALER_SECRET ?? "";
if (!secret) {
  console.error("Set DIALER_SECRET to the same value the dispatcher uses.");
  process.exit(2);
}
const failRate = Number(values["fail-rate"]);
const reportTo = values["report-to"]?.replace(/\/+$/, "");
if (reportTo && !values["api-key"]) {
  console.error("--report-to needs --api-key: a key with the dialer scope (pnpm keys create --scopes dialer).");
  process.exit(2);
}

/** Reports one call's outcome as a real dialer would once the call ends; a failed report is only logged. */
async function reportOutcome(leadId: string, attempt: number): Promise<void> {
  const outcome: CallOutcome = CALL_OUTCOMES[Math.floor(Math.random() * CALL_OUTCOMES.length)]!;
  try {
    const response = await fetch(`${reportTo}/api/v1/outcomes`, {
      method: "POST",
      headers: { "content-type": "application/json", "x-api-key": values["api-key"]! },
      body: JSON.stringify({
        outcomes: [{ leadId, attempt, outcome, durationSeconds: Math.floor(Math.random() * 300) }],
      }),
    });
    const answer = (await response.json()) as { data?: { applied: number; ignored: { reason: string }[] } };
    const ignored = answer.data?.ignored[0]?.reason;
    console.log(`OUTCOME   ${leadId} attempt ${attempt}: ${outcome}${ignored ? ` (ignored: ${ignored})` : ""}`);
  } catch (error) {
    console.log(`OUTCOME   ${leadId}: report failed: ${error instanceof Error ? error.message : String(error)}`);
  }
}
/** A hand-off is a few kilobytes; anything far larger is not one, and is not buffered. */
const MAX_BODY_BYTES = 1024 * 1024;
const seen = new Set<string>();

/** The body, or undefined once it passes `MAX_BODY_BYTES` (the rest is not read). */
async function readBody(req: IncomingMessage): Promise<string | undefined> {
  const { bytes, exceeded } = await readUpTo(req, MAX_BODY_BYTES);
  return exceeded ? undefined : new TextDecoder().decode(bytes);
}

async function answerHandOff(req: IncomingMessage, res: ServerResponse): Promise<void> {
  if (req.url !== "/calls") {
    res.writeHead(404).end();
    return;
  }
  if (req.method !== "POST") {
    res.writeHead(405, { Allow: "POST" }).end();
    return;
  }
  const body = await readBody(req);
  if (body === undefined) {
    res.writeHead(413, { connection: "close" }).end("body too large");
    return;
  }
  if (!(await verifyPayload(secret, body, req.headers[SIGNATURE_HEADER.toLowerCase()] as string | undefined))) {
    console.log(`REJECTED  bad or stale signature (check DIALER_SECRET and the clocks)`);
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
  // One key per hand-off: a repeat after a crash has the same one, a retry after no_answer a new one.
  const key = String(req.headers["idempotency-key"]);
  const repeat = seen.has(key);
  seen.add(key);
  console.log(
    `${repeat ? "REPEAT " : "CALLING"}   ${lead.phoneNumber}  priority ${lead.priority}  attempt ${lead.attempt}  ${lead.metadata?.name ?? ""}`,
  );
  res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ accepted: true, repeat }));
  if (reportTo && !repeat) void reportOutcome(lead.leadId, lead.attempt);
}

const server = createServer((req, res) => {
  // Whatever a request does (a body cut short, bad JSON), it ends in an answer, never in the process.
  answerHandOff(req, res).catch((error: unknown) => {
    console.log(`ERROR     ${error instanceof Error ? error.message : String(error)}`);
    if (!res.headersSent) res.writeHead(400);
    res.end();
  });
});

server.listen(Number(values.port), "127.0.0.1", () => {
  // The port actually bound, so that --port 0 (any free port) says where it is.
  const { port } = server.address() as AddressInfo;
  console.log(`demo dialer listening on http://127.0.0.1:${port}/calls`);
});
