import { afterAll, beforeAll, describe, expect, it, inject } from "vitest";
import { AppError } from "@leadline/core";
import { connectThroughFaultProxy, type ProxiedDatabase } from "@leadline/testkit";
import type { Context } from "../context.ts";
import { consumeBulkBudget } from "./bulk-budget.ts";
import { rateLimitStore } from "@leadline/db";
import { createLimiters } from "./limiters.ts";

describe("bulk budget when the limiter's store fails", () => {
  let database: ProxiedDatabase;

  beforeAll(async () => {
    database = await connectThroughFaultProxy(inject("mongoUri"), `limiter_store_${process.pid}`);
  });
  afterAll(() => database.close());

  it("keeps limiting with the in-process insurance limiter instead of failing open or failing", async () => {
    const { proxy, connection } = database;
    const limiters = createLimiters(rateLimitStore(connection), {
      bulkPoints: 3,
      bulkWindowSeconds: 60,
      writePoints: 3,
      writeWindowSeconds: 60,
      authFailurePoints: 3,
      authFailureWindowSeconds: 60,
    });
    const headers = new Map<string, string>();
    const ctx = {
      deps: { limiters },
      setHeader: (name: string, value: string) => headers.set(name, value),
    } as unknown as Context;

    await consumeBulkBudget(ctx, "account-a");
    expect(headers.get("RateLimit-Remaining")).toBe("2");
    await proxy.cut();

    const outcomes: string[] = [];
    for (let i = 0; i < 5; i++) {
      outcomes.push(
        await consumeBulkBudget(ctx, "account-b").then(
          () => "allowed",
          (error: unknown) => (error instanceof AppError ? error.code : "other error"),
        ),
      );
    }
    expect(outcomes).toEqual(["allowed", "allowed", "allowed", "RATE_LIMITED", "RATE_LIMITED"]);
  });
});
