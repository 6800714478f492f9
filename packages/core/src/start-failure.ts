/**
 * The one line a worker prints when it cannot start (a bad setting, an unreachable database, a
 * database that fails the start-up check): a JSON log line at level `fatal`, as the API prints,
 * instead of a runtime's stack trace. The runtime entry prints it and exits 1.
 */
export function startFailureLine(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return JSON.stringify({ level: "fatal", msg: `could not start: ${message}` });
}
