import { describe, expect, it } from "vitest";
import { sleep } from "./sleep.ts";

describe("sleep", () => {
  // A loop stopped while a step runs sleeps after that step with a signal that has already
  // aborted: with the retention sweep's ten-minute wait, a worker did not stop for ten minutes.
  it("returns at once when the signal aborted before the call", { timeout: 5_000 }, async () => {
    const stopping = new AbortController();
    stopping.abort();
    await sleep(600_000, stopping.signal);
    expect(stopping.signal.aborted).toBe(true);
  });

  it("wakes when the signal aborts during the wait", { timeout: 5_000 }, async () => {
    const stopping = new AbortController();
    const slept = sleep(600_000, stopping.signal);
    stopping.abort();
    await slept;
    expect(stopping.signal.aborted).toBe(true);
  });
});
