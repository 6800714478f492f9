import { ObjectId, type Document, type Filter } from "mongodb";
import { CLAIM_SORT, claimFilter } from "../dispatch-queue.ts";
import { CLAIM_INDEXES } from "../indexes.ts";
import type { DbCheck } from "./types.ts";
import { ok, warn } from "./types.ts";

/** The claim query's winning plan, or why the server would not explain it. */
export type ClaimPlan = { explained: true; stages: string[] } | { explained: false; error: string };

/** Every `stage` named anywhere in a plan, whatever the server version's explain shape. */
function stagesOf(plan: unknown): string[] {
  if (Array.isArray(plan)) return plan.flatMap(stagesOf);
  if (plan === null || typeof plan !== "object") return [];
  return Object.entries(plan).flatMap(([key, value]) =>
    key === "stage" && typeof value === "string" ? [value] : stagesOf(value),
  );
}

/**
 * The dispatcher's claim query, explained over a collection with the claim's
 * indexes: it should be an index scan. Only ever a warning: a scan gives the
 * right leads, just slowly on a large queue. mongo-java-server has no
 * `explain` and ignores non-unique indexes, so there it warns by design.
 */
export const claimIndexUse: DbCheck<ClaimPlan> = {
  name: "claim query index use (explain)",
  guardsExactlyOnce: false,
  async run({ db, name }) {
    const leads = db.collection(name("claim_index"));
    try {
      await Promise.all(Object.entries(CLAIM_INDEXES).map(([name, key]) => leads.createIndex(key, { name })));
      const campaigns = [new ObjectId(), new ObjectId()];
      const now = new Date();
      await leads.insertMany(
        Array.from({ length: 200 }, (_, i) => ({
          campaignId: campaigns[i % 2],
          zoneKey: i % 3 === 0 ? "America/New_York" : "Europe/Paris",
          state: i % 4 === 0 ? "completed" : "pending",
          priority: i % 5,
          scheduledFor: now,
          nextAttemptAt: now,
        })),
      );
      const filter = claimFilter(
        { anyZone: [campaigns[0]!], byZone: [{ campaignIds: [campaigns[1]!], zoneKeys: ["America/New_York"] }] },
        now,
      );
      // The lead type's filter on an untyped scratch collection: the same query document.
      const query = (filter ?? {}) as Filter<Document>;
      const explained: Document = await leads.find(query, { sort: CLAIM_SORT, limit: 1 }).explain("queryPlanner");
      const planner = (explained.queryPlanner ?? explained) as Document;
      return { explained: true, stages: stagesOf(planner.winningPlan ?? planner) };
    } catch (error) {
      return { explained: false, error: error instanceof Error ? error.message : String(error) };
    } finally {
      await leads.drop().catch(() => undefined);
    }
  },
  judge(plan) {
    if (!plan.explained) {
      return warn(
        `explain is not supported (${plan.error}): cannot tell whether the claim uses its index ` +
          "(expected on mongo-java-server, which ignores non-unique indexes)",
      );
    }
    if (plan.stages.includes("COLLSCAN")) {
      return warn(
        `the claim query scans the whole collection (${plan.stages.join(" > ")}): claims slow down as leads grow`,
      );
    }
    if (!plan.stages.includes("IXSCAN"))
      return warn(`no index scan in the claim query's plan (${plan.stages.join(" > ")})`);
    return ok;
  },
};
