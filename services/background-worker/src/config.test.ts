import { describe, expect, it } from "vitest";
import { parseBackgroundWorkerConfig } from "./config.ts";

const base = { MONGODB_URI: "mongodb://127.0.0.1:27017" };

describe("BACKGROUND_LOOPS", () => {
  it("runs both loops unless told otherwise", () => {
    expect([...parseBackgroundWorkerConfig(base).loops]).toEqual(["imports", "webhooks"]);
  });

  it.each([
    ["webhooks", ["webhooks"]],
    ["imports", ["imports"]],
    [" webhooks , imports ", ["webhooks", "imports"]],
    ["imports,imports", ["imports"]],
  ])("reads %j as %j", (value, loops) => {
    expect([...parseBackgroundWorkerConfig({ ...base, BACKGROUND_LOOPS: value }).loops]).toEqual(loops);
  });

  it.each([
    ["dispatch", /BACKGROUND_LOOPS\.0: each loop must be one of imports, webhooks/],
    ["imports,webhook", /BACKGROUND_LOOPS\.1: each loop must be one of imports, webhooks/],
    [",", /BACKGROUND_LOOPS: must name at least one loop of imports, webhooks/],
  ])("fails fast on %j, naming the variable", (value, message) => {
    expect(() => parseBackgroundWorkerConfig({ ...base, BACKGROUND_LOOPS: value })).toThrow(message);
  });
});

describe("import worker configuration", () => {
  it("fails a job after IMPORT_MAX_CLAIMS (5) claims unless told otherwise, and names a bad value", () => {
    expect(parseBackgroundWorkerConfig(base).maxClaims).toBe(5);
    expect(parseBackgroundWorkerConfig({ ...base, IMPORT_MAX_CLAIMS: "2" }).maxClaims).toBe(2);
    expect(() => parseBackgroundWorkerConfig({ ...base, IMPORT_MAX_CLAIMS: "0" })).toThrow(/IMPORT_MAX_CLAIMS: /);
  });
});

describe("webhook fairness settings", () => {
  it("defaults to two attempts per endpoint, half the senders per account, a breaker after 5 failures for 60 s", () => {
    const { webhooks } = parseBackgroundWorkerConfig(base);
    expect(webhooks).toMatchObject({
      concurrency: 4,
      endpointConcurrency: 2,
      accountConcurrency: 2,
      breaker: { failures: 5, coolDownMs: 60_000 },
    });
    expect(parseBackgroundWorkerConfig({ ...base, WEBHOOK_CONCURRENCY: "1" }).webhooks.accountConcurrency).toBe(1);
    expect(parseBackgroundWorkerConfig({ ...base, WEBHOOK_CONCURRENCY: "7" }).webhooks.accountConcurrency).toBe(4);
  });

  it.each([
    ["WEBHOOK_ENDPOINT_CONCURRENCY", "5"],
    ["WEBHOOK_ENDPOINT_CONCURRENCY", "0"],
    ["WEBHOOK_BREAKER_FAILURES", "0"],
    ["WEBHOOK_BREAKER_COOLDOWN_MS", "-1"],
    ["WEBHOOK_BREAKER_COOLDOWN_MS", "soon"],
  ])("fails fast naming %s=%s", (name, value) => {
    expect(() => parseBackgroundWorkerConfig({ ...base, [name]: value })).toThrow(name);
  });
});
