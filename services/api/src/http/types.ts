import type { IncomingMessage, ServerResponse } from "node:http";

export type RequestHandler = (req: IncomingMessage, res: ServerResponse) => Promise<void>;

export interface HttpOptions {
  maxBodyBytes: number;
  trustProxy: boolean;
  /** Called with errors that are our fault (5xx), for a log line with the cause. */
  onServerFault(error: unknown, req: IncomingMessage): void;
}
