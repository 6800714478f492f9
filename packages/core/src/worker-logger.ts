const LEVELS = { debug: 10, info: 20, warn: 30, error: 40, silent: 100 } as const;
export type LogLevel = keyof typeof LEVELS;

export interface WorkerLogger {
  debug(fields: object, message: string): void;
  info(fields: object, message: string): void;
  warn(fields: object, message: string): void;
  error(fields: object, message: string): void;
}

const describeError = (value: unknown) =>
  value instanceof Error ? { message: value.message, name: value.name, stack: value.stack } : value;

/** JSON lines on stdout with console only, so it behaves the same under Node and Deno. */
export function createWorkerLogger(level: LogLevel, base: Record<string, unknown>): WorkerLogger {
  const write = (at: Exclude<LogLevel, "silent">) => (fields: object, message: string) => {
    if (LEVELS[at] < LEVELS[level]) return;
    const entry: Record<string, unknown> = {
      level: at,
      time: new Date().toISOString(),
      ...base,
      ...fields,
      msg: message,
    };
    if ("err" in entry) entry.err = describeError(entry.err);
    console.log(JSON.stringify(entry));
  };
  return { debug: write("debug"), info: write("info"), warn: write("warn"), error: write("error") };
}
