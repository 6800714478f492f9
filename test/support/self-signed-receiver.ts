import { execFile } from "node:child_process";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { createServer, type Server } from "node:https";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";

/** An HTTPS receiver whose certificate no authority signed: a sender that verifies certificates never reaches it. */
export interface SelfSignedReceiver {
  port: number;
  /** Requests that got through the handshake. */
  requests: number;
  close(): Promise<void>;
}

/**
 * Starts an HTTPS server answering 200, with a key and self-signed certificate
 * for `hostname` made now by `openssl` (Node cannot make X.509 certificates):
 * test-only material, in a temporary folder deleted at once.
 */
export async function startSelfSignedReceiver(hostname: string): Promise<SelfSignedReceiver> {
  const dir = await mkdtemp(path.join(tmpdir(), "leadline-tls-"));
  const [keyFile, certFile] = [path.join(dir, "key.pem"), path.join(dir, "cert.pem")];
  try {
    await promisify(execFile)("openssl", [
      "req",
      "-x509",
      "-newkey",
      "rsa:2048",
      "-nodes",
      "-days",
      "1",
      "-subj",
      `/CN=${hostname}`,
      "-addext",
      `subjectAltName=DNS:${hostname}`,
      "-keyout",
      keyFile,
      "-out",
      certFile,
    ]);
    const [key, cert] = await Promise.all([readFile(keyFile), readFile(certFile)]);
    const receiver = { port: 0, requests: 0, close: async () => undefined as void };
    const server: Server = createServer({ key, cert }, (_request, response) => {
      receiver.requests += 1;
      response.writeHead(200).end();
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    receiver.port = (server.address() as AddressInfo).port;
    receiver.close = () => new Promise<void>((resolve) => server.close(() => resolve()));
    return receiver;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
