import { describe, expect, it } from "vitest";
import type { ImportView } from "@leadline/core";
import { progressText } from "./async-import.ts";

const view: ImportView = {
  id: "665f1c2e9b1e8a3d4c5b6a79",
  campaignId: "665f1c2e9b1e8a3d4c5b6a70",
  format: "csv",
  state: "running",
  rowsProcessed: 500,
  created: 480,
  skipped: 10,
  suppressed: 0,
  invalid: 10,
  bytesProcessed: 5000,
  bytesTotal: 10_000,
  percent: 50,
  leadsPerSecond: 100,
  createdAt: "2026-01-01T00:00:00.000Z",
  startedAt: "2026-01-01T00:00:00.000Z",
  finishedAt: null,
  error: null,
};

describe("--async progress", () => {
  const now = Date.parse("2026-01-01T00:00:10.000Z");

  it("draws a bar with rows, percent, leads/s and the time left on a terminal", () => {
    expect(progressText(view, true, now)).toBe("[############------------] rows 500 · 50% · 100 leads/s · ETA 10s");
  });

  it("writes a plain line otherwise", () => {
    expect(progressText(view, false, now)).toBe(
      "import 665f1c2e9b1e8a3d4c5b6a79: rows 500 · 50% · 100 leads/s · ETA 10s · created 480 · invalid 10",
    );
    expect(progressText({ ...view, state: "queued", percent: 0 }, true, now)).toBe(
      "[------------------------] rows 500 · 0% · 100 leads/s · queued",
    );
  });
});
