import { describe, expect, it } from "vitest";
import { appRouter } from "../router.ts";
import { WRITE_BUDGET_EXEMPT, spendsWriteBudget } from "./write-budget.ts";

const procedures = appRouter._def.procedures as unknown as Record<string, { _def: { type: string } }>;

describe("the write budget", () => {
  it("exempts only mutations of the router, so that a renamed procedure cannot stay exempt unseen", () => {
    for (const path of WRITE_BUDGET_EXEMPT.keys())
      expect({ path, type: procedures[path]?._def.type }).toEqual({ path, type: "mutation" });
  });

  it("is spent by every other mutation and by no query", () => {
    const spending = Object.entries(procedures)
      .filter(([path, { _def }]) => spendsWriteBudget(_def.type, path))
      .map(([path]) => path);
    const mutations = Object.entries(procedures).filter(([, { _def }]) => _def.type === "mutation");
    expect(spending).toEqual(mutations.map(([path]) => path).filter((path) => !WRITE_BUDGET_EXEMPT.has(path)));
    expect(spending).toEqual(
      expect.arrayContaining([
        "leads.delete",
        "leads.bulkDelete",
        "campaigns.update",
        "webhooks.create",
        "webhooks.delete",
        "imports.cancel",
      ]),
    );
  });
});
