/** What {@link readUpTo} read. */
export interface BoundedRead {
  /** The bytes read, at most `maxBytes` of them (none when `keepBytes` is false). */
  bytes: Uint8Array;
  /** The stream held more than `maxBytes`: reading stopped there and the rest was never read. */
  exceeded: boolean;
  /** The stream failed before its end (only with `stopOnError`; `bytes` is what arrived). */
  failed: boolean;
}

/** How {@link readUpTo} reads. */
export interface BoundedReadOptions {
  /** false: count the bytes without keeping them (the stream is read only to its end or its bound). */
  keepBytes?: boolean;
  /** true: a read error ends the read with what arrived, instead of being thrown. */
  stopOnError?: boolean;
}

function chunksOf(source: ReadableStream<Uint8Array> | AsyncIterable<Uint8Array>): AsyncIterable<Uint8Array> {
  if (!("getReader" in source)) return source;
  return (async function* () {
    const reader = source.getReader();
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) return;
        yield value;
      }
    } finally {
      // Not awaited: a stalled peer must not hold the caller, and what is left is not wanted.
      void reader.cancel().catch(() => undefined);
    }
  })();
}

/**
 * Reads a web stream (or any async iterable of bytes, a Node request
 * included) up to `maxBytes`, never holding more than one chunk past it:
 * past the bound it stops and cancels the rest. One reader for request
 * bodies, the dialer's answers and the demo dialer's hand-offs.
 *
 * @example
 * const { bytes, exceeded } = await readUpTo(request.body, 1_000_000);
 * if (exceeded) throw tooLarge();
 */
export async function readUpTo(
  source: ReadableStream<Uint8Array> | AsyncIterable<Uint8Array>,
  maxBytes: number,
  options: BoundedReadOptions = {},
): Promise<BoundedRead> {
  const keep = options.keepBytes ?? true;
  const chunks: Uint8Array[] = [];
  let size = 0;
  let exceeded = false;
  let failed = false;
  try {
    for await (const chunk of chunksOf(source)) {
      size += chunk.byteLength;
      if (keep) chunks.push(chunk);
      if (size > maxBytes) {
        exceeded = true;
        break;
      }
    }
  } catch (error) {
    if (!options.stopOnError) throw error;
    failed = true;
  }
  return { bytes: joined(chunks, keep ? Math.min(size, maxBytes) : 0), exceeded, failed };
}

/** The chunks as one array, cut at `length`; a single chunk is returned without a copy. */
function joined(chunks: readonly Uint8Array[], length: number): Uint8Array {
  if (chunks.length === 1) return chunks[0]!.subarray(0, length);
  if (length === 0) return new Uint8Array(0);
  const whole = new Uint8Array(length);
  let offset = 0;
  for (const chunk of chunks) {
    if (offset >= length) break;
    const part = chunk.subarray(0, length - offset);
    whole.set(part, offset);
    offset += part.byteLength;
  }
  return whole;
}
