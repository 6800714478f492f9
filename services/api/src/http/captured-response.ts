import { EventEmitter } from "node:events";
import type { ServerResponse } from "node:http";

/**
 * Stands in for the real response while the OpenAPI adapter runs, so its
 * body can be rewritten into our envelope. Headers pass straight through;
 * status and body are kept; "close" of the real response is forwarded so
 * the adapter's abort signal still fires when the client goes away.
 */
export class CapturedResponse extends EventEmitter {
  statusCode = 200;
  body: string | undefined;
  writableEnded = false;

  constructor(private readonly real: ServerResponse) {
    super();
    real.once("close", () => this.emit("close"));
  }

  setHeader(name: string, value: number | string | readonly string[]): this {
    // The adapter's own Content-Type is replaced by ours when the body is written.
    if (name.toLowerCase() !== "content-type") this.real.setHeader(name, value);
    return this;
  }

  getHeader(name: string) {
    return this.real.getHeader(name);
  }

  end(body?: string): this {
    this.body = body;
    this.writableEnded = true;
    return this;
  }
}
