/** What the app knows of one request while routing it. */
export interface RequestScope {
  requestId: string;
  clientAddress: string;
  /** Headers for the response, whatever it turns out to be (rate-limit budget and the like). */
  headers: Headers;
  /** A bounded label for logs and metrics: the route template, never the raw path. */
  route: string;
}

/** A route's answer: JSON text to send with `status`, or a finished response. */
export type RouteResult = { status: number; json: string } | { response: Response };
