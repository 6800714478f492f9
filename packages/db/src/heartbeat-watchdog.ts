import type {
  MongoClient,
  ServerClosedEvent,
  ServerHeartbeatFailedEvent,
  ServerHeartbeatStartedEvent,
  ServerHeartbeatSucceededEvent,
} from "mongodb";

export interface HeartbeatWatchdogOptions {
  /** How often outstanding heartbeats are looked at. */
  checkEveryMs?: number;
  /** Slack past a heartbeat's own bound before it counts as stuck. */
  graceMs?: number;
  /** Told each time the client is reconnected, with the heartbeat that stalled. */
  onReconnect?: (stalled: { address: string; outstandingMs: number }) => void;
}

export interface HeartbeatWatchdog {
  /** Stops watching; resolves once a reconnect under way has given up. */
  stop(): Promise<void>;
}

interface Outstanding {
  startedAt: number;
  awaited: boolean;
  /** When a look first found it past its bound; reconnecting waits for a second look. */
  overdueSince?: number;
}

/**
 * Reconnects `client` when a server heartbeat stays unanswered past the
 * longest the driver itself allows that check.
 *
 * Why: in driver 7.x a polling heartbeat written to a monitor socket that Node
 * has already destroyed, but whose `close` event is still queued, waits for a
 * `drain` that never comes. That check never ends, so the monitor skips every
 * later one and, once an application error has marked the server unknown and
 * paused its pool, the client fails every operation until the process
 * restarts. No driver option bounds that wait. Only public SDAM events are
 * read, so this stays correct if the driver fixes the fault: a heartbeat that
 * ends in time is never acted on.
 *
 * The bound comes from the client's own settings: a polling check may take
 * `connectTimeoutMS` to open a socket and `connectTimeoutMS` for its `hello`;
 * a streaming (awaited) check waits up to `heartbeatFrequencyMS` for the
 * server's reply plus `connectTimeoutMS`. With `connectTimeoutMS` 0 (no
 * timeout) nothing is ever overdue. A heartbeat must be found overdue on two
 * looks in a row, so a long event-loop stall that delays its answer is not
 * mistaken for a stuck one.
 */
export function watchHeartbeats(client: MongoClient, options: HeartbeatWatchdogOptions = {}): HeartbeatWatchdog {
  const checkEveryMs = options.checkEveryMs ?? 250;
  const graceMs = options.graceMs ?? 1_000;
  const { connectTimeoutMS, heartbeatFrequencyMS } = client.options;
  const boundMs = (awaited: boolean) =>
    connectTimeoutMS > 0 ? (awaited ? connectTimeoutMS + heartbeatFrequencyMS : 2 * connectTimeoutMS) : Infinity;

  const outstanding = new Map<string, Outstanding>();
  const onStarted = (event: ServerHeartbeatStartedEvent) =>
    outstanding.set(event.connectionId, { startedAt: performance.now(), awaited: event.awaited });
  const onEnded = (event: ServerHeartbeatSucceededEvent | ServerHeartbeatFailedEvent) =>
    outstanding.delete(event.connectionId);
  const onServerClosed = (event: ServerClosedEvent) => outstanding.delete(event.address);
  client.on("serverHeartbeatStarted", onStarted);
  client.on("serverHeartbeatSucceeded", onEnded);
  client.on("serverHeartbeatFailed", onEnded);
  client.on("serverClosed", onServerClosed);

  let stopped = false;
  let reconnecting: Promise<void> | undefined;

  const reconnect = async () => {
    outstanding.clear();
    // close() drops the stuck monitor with the rest of the topology; connect()
    // builds a new one on the same client, so every Db and Collection taken
    // from it keeps working. Operations meanwhile fail as "not connected",
    // which callers already treat as the database being away.
    await client.close().catch(() => undefined);
    while (!stopped) {
      try {
        await client.connect();
        return;
      } catch {
        // Still unreachable: connect() already waited serverSelectionTimeoutMS.
        await new Promise((resolve) => setTimeout(resolve, checkEveryMs));
      }
    }
  };

  const look = () => {
    if (reconnecting) return;
    const now = performance.now();
    for (const [address, check] of outstanding) {
      if (now - check.startedAt <= boundMs(check.awaited) + graceMs) continue;
      if (check.overdueSince === undefined) {
        check.overdueSince = now;
        continue;
      }
      options.onReconnect?.({ address, outstandingMs: Math.round(now - check.startedAt) });
      reconnecting = reconnect().finally(() => (reconnecting = undefined));
      return;
    }
  };
  const timer = setInterval(look, checkEveryMs);
  // Under Node, watching alone must not keep a process alive; Deno's timers are plain numbers.
  if (typeof timer === "object") timer.unref();

  return {
    async stop() {
      stopped = true;
      clearInterval(timer);
      client.off("serverHeartbeatStarted", onStarted);
      client.off("serverHeartbeatSucceeded", onEnded);
      client.off("serverHeartbeatFailed", onEnded);
      client.off("serverClosed", onServerClosed);
      await reconnecting;
    },
  };
}
