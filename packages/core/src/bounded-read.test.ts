import { describe, expect, it } from "vitest";
import { readUpTo } from "./bounded-read.ts";

/** A stream of `count` chunks of `size` bytes that records how many it was asked for. */
function chunkStream(count: number, size: number) {
  const seen = { pulled: 0, cancelled: false };
  const stream = new ReadableStream<Uint8Array>(
    {
      pull(controller) {
        if (seen.pulled === count) return controller.close();
        seen.pulled += 1;
        controller.enqueue(new Uint8Array(size).fill(seen.pulled));
      },
      cancel() {
        seen.cancelled = true;
      },
    },
    { highWaterMark: 0 },
  );
  return { stream, seen };
}

describe("readUpTo", () => {
  it("reads a stream within the bound whole", async () => {
    const { stream } = chunkStream(3, 10);
    const read = await readUpTo(stream, 30);
    expect(read).toMatchObject({ exceeded: false, failed: false });
    expect([...read.bytes]).toEqual([...Array(10).fill(1), ...Array(10).fill(2), ...Array(10).fill(3)]);
  });

  it("stops one chunk past the bound, cancels the rest and keeps at most maxBytes", async () => {
    const { stream, seen } = chunkStream(1000, 10);
    const read = await readUpTo(stream, 25);
    expect(read.exceeded).toBe(true);
    expect(read.bytes.byteLength).toBe(25);
    expect(seen.pulled).toBe(3);
    expect(seen.cancelled).toBe(true);
  });

  it("counts without keeping, reads async iterables, and with stopOnError keeps what arrived", async () => {
    expect((await readUpTo(chunkStream(5, 10).stream, 20, { keepBytes: false })).bytes.byteLength).toBe(0);
    async function* failing() {
      yield new Uint8Array([1, 2]);
      throw new Error("reset");
    }
    await expect(readUpTo(failing(), 10)).rejects.toThrow("reset");
    const cut = await readUpTo(failing(), 10, { stopOnError: true });
    expect({ bytes: [...cut.bytes], failed: cut.failed }).toEqual({ bytes: [1, 2], failed: true });
  });
});
