import { describe, expect, it } from "vitest";
import { appRouter } from "../router.ts";
import { WRITE_BUDGET_PROCEDURES } from "./write-budget.ts";

describe("WRITE_BUDGET_PROCEDURES", () => {
  it("names mutations of the router, so that a renamed procedure cannot drop out of the budget unseen", () => {
    const procedures = appRouter._def.procedures as unknown as Record<string, { _def: { type: string } }>;
    for (const path of WRITE_BUDGET_PROCEDURES)
      expect({ path, type: procedures[path]?._def.type }).toEqual({ path, type: "mutation" });
  });
});
