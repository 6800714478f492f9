import { describe, expect, it } from "vitest";
import { parseImporterConfig } from "./config.ts";

const base = { MONGODB_URI: "mongodb://127.0.0.1:27017" };

describe("import worker configuration", () => {
  it("fails a job after IMPORT_MAX_CLAIMS (5) claims unless told otherwise, and names a bad value", () => {
    expect(parseImporterConfig(base).maxClaims).toBe(5);
    expect(parseImporterConfig({ ...base, IMPORT_MAX_CLAIMS: "2" }).maxClaims).toBe(2);
    expect(() => parseImporterConfig({ ...base, IMPORT_MAX_CLAIMS: "0" })).toThrow(/IMPORT_MAX_CLAIMS: /);
  });
});

describe("webhook fairness settings", () => {
  it("defaults to two attempts per endpoint, half the senders per account, a breaker after 5 failures for 60 s", () => {
    const { webhooks } = parseImporterConfig(base);
    expect(webhooks).toMatchObject({
      concurrency: 4,
      endpointConcurrency: 2,
      accountConcurrency: 2,
      breaker: { failures: 5, coolDownMs: 60_000 },
    });
    expect(parseImporterConfig({ ...base, WEBHOOK_CONCURRENCY: "1" }).webhooks.accountConcurrency).toBe(1);
    expect(parseImporterConfig({ ...base, WEBHOOK_CONCURRENCY: "7" }).webhooks.accountConcurrency).toBe(4);
  });

  it.each([
    ["WEBHOOK_ENDPOINT_CONCURRENCY", "5"],
    ["WEBHOOK_ENDPOINT_CONCURRENCY", "0"],
    ["WEBHOOK_BREAKER_FAILURES", "0"],
    ["WEBHOOK_BREAKER_COOLDOWN_MS", "-1"],
    ["WEBHOOK_BREAKER_COOLDOWN_MS", "soon"],
  ])("fails fast naming %s=%s", (name, value) => {
    expect(() => parseImporterConfig({ ...base, [name]: value })).toThrow(name);
  });
});
