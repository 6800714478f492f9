// Node's webhook transport: node:http(s) with a `lookup` that resolves and checks at connect time.
import { request as httpRequest, type IncomingMessage } from "node:http";
import { request as httpsRequest } from "node:https";
import type { LookupFunction } from "node:net";
import { isIpAddress } from "@leadline/core";
import {
  connectAddress,
  DeliveryConnectError,
  TargetRefusedError,
  type ConnectFailure,
  type ResolveHost,
  type WebhookTransport,
} from "./webhook-target.ts";

const TLS_CODE = /^(ERR_TLS_|ERR_SSL_|CERT_|UNABLE_TO_|DEPTH_ZERO_|SELF_SIGNED_|EPROTO$)/;
const RESET_CODES = new Set(["ECONNRESET", "EPIPE", "ECONNABORTED", "UND_ERR_SOCKET"]);

function failureKind(error: Error & { code?: string }): ConnectFailure {
  const code = error.code ?? "";
  if (code === "ECONNREFUSED") return "refused";
  if (RESET_CODES.has(code) || error.message === "socket hang up") return "reset";
  if (TLS_CODE.test(code)) return "tls";
  if (code === "ENOTFOUND" || code === "EAI_AGAIN") return "dns";
  if (code.startsWith("HPE_")) return "protocol";
  return "other";
}

const classified = (error: Error): Error =>
  error instanceof TargetRefusedError || error instanceof DeliveryConnectError
    ? error
    : new DeliveryConnectError(
        failureKind(error),
        `${(error as { code?: string }).code ?? error.name}: ${error.message}`,
        {
          cause: error,
        },
      );

/**
 * Sends each webhook with node:http or node:https and a `lookup` of its own:
 * the socket's one and only name resolution goes through {@link connectAddress},
 * so the address connected to is the address checked, and the resolution ends
 * with the request's signal (the attempt's timeout). TLS still verifies the
 * certificate against the URL's host name (and sends it as SNI), since Node
 * takes both from the request, not from the looked-up address. No agent is
 * shared: a pooled socket would skip the check on its next use.
 */
export function createNodeWebhookTransport(resolveHost: ResolveHost, allowPrivate: boolean): WebhookTransport {
  return async ({ url, headers, body, signal }) => {
    const lookup: LookupFunction = (hostname, options, callback) => {
      connectAddress(hostname, resolveHost, allowPrivate, signal).then(
        ({ address, family }) => {
          if (options.all)
            (callback as (error: null, addresses: { address: string; family: number }[]) => void)(null, [
              { address, family },
            ]);
          else callback(null, address, family);
        },
        (error: Error) => callback(error as NodeJS.ErrnoException, "", 4),
      );
    };
    // Node skips `lookup` for an IP-literal host: check it here instead. Names are checked by `lookup` alone.
    if (isIpAddress(url.hostname)) await connectAddress(url.hostname, resolveHost, allowPrivate, signal);
    return new Promise((resolve, reject) => {
      const send = url.protocol === "https:" ? httpsRequest : httpRequest;
      const outgoing = send(url, { method: "POST", headers, lookup, agent: false, signal });
      outgoing.once("response", (response: IncomingMessage) => {
        const status = response.statusCode ?? 0;
        // Answered once the request is closed, which is when Node lets go of `signal` (it outlives the attempt).
        outgoing.once("close", () => {
          // llhttp takes any three digits; Deno's transport and HTTP itself know 1xx to 5xx only.
          if (status < 100 || status > 599) reject(new DeliveryConnectError("protocol", `status ${status}`));
          else resolve({ status });
        });
        // Only the status counts; the body is not read.
        response.destroy();
      });
      outgoing.once("error", (error) => reject(classified(error)));
      outgoing.end(body);
    });
  };
}
