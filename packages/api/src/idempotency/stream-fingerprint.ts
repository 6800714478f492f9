// node:crypto's incremental hash, which Node and Deno both provide: Web Crypto's digest needs the whole
// input at once, and an upload is never held whole. Only the API service loads this file, never a worker.
import { createHash } from "node:crypto";

/** A SHA-256 (hex) of a stream taken as it flows: pipe the body through `stream`, read `digest()` once it has ended. */
export interface StreamFingerprint {
  stream: TransformStream<Uint8Array, Uint8Array>;
  /** The hex digest of the prefix and every byte that passed; after the stream ended (computed once). */
  digest(): string;
}

/**
 * Fingerprints a streamed body: `prefix` (the request's other parts,
 * canonical JSON) first, then the body's bytes as they pass through.
 */
export function streamFingerprint(prefix: string): StreamFingerprint {
  const hash = createHash("sha256");
  hash.update(`${prefix}\n`);
  let hex: string | undefined;
  return {
    stream: new TransformStream<Uint8Array, Uint8Array>({
      transform(chunk, controller) {
        hash.update(chunk);
        controller.enqueue(chunk);
      },
    }),
    digest: () => (hex ??= hash.digest("hex")),
  };
}
