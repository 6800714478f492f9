import { FALLBACK_ZONE_KEY } from "@leadline/core";
import type { Filter, ObjectId } from "mongodb";
import { DEFAULT_CLAIM_CAMPAIGNS, restrictScope, splitScope } from "./claim-scope.ts";
import type { Collections } from "./collections.ts";
import type { LeadDoc, SuppressionDoc } from "./documents.ts";
import { createLeadEvents, leadEventFor } from "./lead-events.ts";

/** Which leads may be called now, as the dispatcher works it out from the campaigns' calling hours. */
export interface ClaimScope {
  /** Campaigns whose window is open for all their leads (a fixed zone, or any time). */
  anyZone: ObjectId[];
  /** Recipient-local campaigns, grouped by the zone keys open now for them. */
  byZone: { campaignIds: ObjectId[]; zoneKeys: string[] }[];
}

export interface ClaimRequest {
  workerId: string;
  scope: ClaimScope;
  leaseMs: number;
  now: Date;
}

export interface BatchClaimRequest extends ClaimRequest {
  /** At most this many leads: the worker's free dialer lines, capped by `DISPATCH_BATCH_SIZE`. */
  limit: number;
  /** Runs between finding the candidates and leasing them: tests race another worker there. */
  beforeLease?: (candidateIds: ObjectId[]) => Promise<void>;
}

/**
 * The claim's filter: one `$or` branch per kind of lead (due pending, or a
 * lease that expired because its worker died) and per group of campaigns.
 * Each branch has equality on state, campaign and zone key and a range on
 * one date, which `CLAIM_INDEXES` serve in that order.
 */
export function claimFilter(scope: ClaimScope, now: Date): Filter<LeadDoc> | null {
  const groups: Filter<LeadDoc>[] = [];
  if (scope.anyZone.length > 0) groups.push({ campaignId: { $in: scope.anyZone } });
  for (const group of scope.byZone) {
    if (group.campaignIds.length === 0 || group.zoneKeys.length === 0) continue;
    // Leads stored before zones have no key: they are read in the fallback zone too.
    const keys: (string | null)[] = group.zoneKeys.includes(FALLBACK_ZONE_KEY)
      ? [...group.zoneKeys, null]
      : [...group.zoneKeys];
    groups.push({ campaignId: { $in: group.campaignIds }, zoneKey: { $in: keys as string[] } });
  }
  if (groups.length === 0) return null;
  return {
    $or: groups.flatMap((group) => [
      { state: "pending" as const, ...group, nextAttemptAt: { $lte: now } },
      { state: "dispatching" as const, ...group, leaseExpiresAt: { $lte: now } },
    ]),
  };
}

/** The claim's hand-off order: highest priority, then earliest schedule, then oldest. */
export const CLAIM_SORT = { priority: -1, scheduledFor: 1, _id: 1 } as const;

type SortKeys = Pick<LeadDoc, "_id" | "priority" | "scheduledFor" | "campaignId">;
const SORT_KEYS = { _id: 1, priority: 1, scheduledFor: 1, campaignId: 1 } as const;

/** {@link CLAIM_SORT} in memory, as the server orders: a lead without a schedule before any date. */
function claimOrder(a: SortKeys, b: SortKeys): number {
  if (a.priority !== b.priority) return b.priority - a.priority;
  const [at, bt] = [a.scheduledFor?.getTime() ?? -Infinity, b.scheduledFor?.getTime() ?? -Infinity];
  if (at !== bt) return at < bt ? -1 : 1;
  const [ai, bi] = [a._id.toHexString(), b._id.toHexString()];
  return ai < bi ? -1 : ai > bi ? 1 : 0;
}

/** Settings of the hand-off queue. */
export interface DispatchQueueOptions {
  /**
   * Campaign ids one claim query names, at most (DISPATCH_CLAIM_CAMPAIGNS):
   * a larger scope is claimed piece by piece, so the filter stays this size.
   */
  maxCampaignsPerClaim?: number;
}

/**
 * The leads' hand-off queue. Every transition is conditional on the state
 * (and lease owner) it expects, so a worker whose lease ran out cannot
 * overwrite what the lead's new owner did.
 */
export function createDispatchQueue(collections: Collections, options: DispatchQueueOptions = {}) {
  const { leads, suppressions } = collections;
  const maxCampaigns = options.maxCampaignsPerClaim ?? DEFAULT_CLAIM_CAMPAIGNS;
  /** Each piece's filter; no filter for an empty scope. */
  const pieceFilters = (scope: ClaimScope, now: Date) =>
    splitScope(scope, maxCampaigns).flatMap((piece) => claimFilter(piece, now) ?? []);
  /**
   * The first `limit` due leads in claim order across every piece: each piece's own first
   * `limit`, merged. One query when the scope fits in one piece, as before pieces.
   */
  const candidatesOf = async (filters: Filter<LeadDoc>[], limit: number): Promise<SortKeys[]> => {
    const found = await Promise.all(
      filters.map((filter) => leads.find(filter, { sort: CLAIM_SORT, limit, projection: SORT_KEYS }).toArray()),
    );
    return found.length === 1 ? found[0]! : found.flat().sort(claimOrder).slice(0, limit);
  };
  // Suppression and failure end a lead: each sends its lead event, marked by the transition's own
  // update and written only once that update applied (see lead-events.ts).
  const events = createLeadEvents(collections);
  const heldBy = (lead: LeadDoc, workerId: string) => ({
    _id: lead._id,
    state: "dispatching" as const,
    leaseOwner: workerId,
  });

  return {
    /**
     * Atomically leases the next due lead in {@link CLAIM_SORT} order: one indexed query when
     * the scope fits in one piece; else the piece that holds the first candidate of all is
     * claimed from, atomically (a lead another worker took meanwhile gives way to that
     * piece's next one).
     */
    async claimNext({ workerId, scope, leaseMs, now }: ClaimRequest): Promise<LeadDoc | null> {
      const filters = pieceFilters(scope, now);
      if (filters.length === 0) return null;
      let filter = filters[0]!;
      if (filters.length > 1) {
        const firsts = await Promise.all(filters.map((piece) => candidatesOf([piece], 1)));
        const best = firsts
          .map((found, index) => ({ lead: found[0], index }))
          .filter((entry): entry is { lead: SortKeys; index: number } => entry.lead !== undefined)
          .sort((a, b) => claimOrder(a.lead, b.lead))[0];
        if (!best) return null;
        filter = filters[best.index]!;
      }
      return leads.findOneAndUpdate(
        filter,
        {
          $set: {
            state: "dispatching",
            leaseOwner: workerId,
            leaseExpiresAt: new Date(now.getTime() + leaseMs),
            updatedAt: now,
          },
          $inc: { attempts: 1 },
        },
        { sort: CLAIM_SORT, returnDocument: "after" },
      );
    },

    /**
     * Leases up to `limit` due leads in {@link CLAIM_SORT} order in three round trips, whatever
     * the limit: finds the candidates' ids with the single claim's filter and sort (so the same
     * indexes serve it; one query per piece of the scope, merged), leases them with one
     * `updateMany` guarded by that same filter over the candidates' campaigns only, tagged
     * with a token of this claim's own, and reads back the leads that carry the token. A
     * candidate another worker leased in between no longer matches the guard and is simply not
     * in the batch; each lead keeps its own lease and its attempt is counted as by `claimNext`.
     */
    async claimBatch({ workerId, scope, leaseMs, now, limit, beforeLease }: BatchClaimRequest): Promise<LeadDoc[]> {
      const filters = pieceFilters(scope, now);
      if (filters.length === 0 || limit < 1) return [];
      const candidates = await candidatesOf(filters, limit);
      if (candidates.length === 0) return [];
      const ids = candidates.map((candidate) => candidate._id);
      // Never wider than the batch: only the campaigns of the leads chosen.
      const filter = claimFilter(
        restrictScope(
          scope,
          candidates.map((candidate) => candidate.campaignId),
        ),
        now,
      )!;
      await beforeLease?.(ids);
      const leaseToken = crypto.randomUUID();
      const leased = await leads.updateMany(
        { $and: [{ _id: { $in: ids } }, filter] },
        {
          $set: {
            state: "dispatching",
            leaseOwner: workerId,
            leaseToken,
            leaseExpiresAt: new Date(now.getTime() + leaseMs),
            updatedAt: now,
          },
          $inc: { attempts: 1 },
        },
      );
      if (leased.modifiedCount === 0) return [];
      // By _id (the primary index), then the token: only the leads this very claim leased.
      const got = await leads.find({ _id: { $in: ids }, leaseToken, state: "dispatching" }).toArray();
      const order = new Map(ids.map((id, index) => [id.toHexString(), index]));
      return got.sort((a, b) => order.get(a._id.toHexString())! - order.get(b._id.toHexString())!);
    },

    /**
     * The suppression entries that forbid calling any of these leads, in one query; keyed by
     * lead id, as {@link suppressionOf} would answer for each. Read after the claim.
     */
    async suppressionsOf(batch: readonly LeadDoc[]): Promise<Map<string, SuppressionDoc>> {
      const found = new Map<string, SuppressionDoc>();
      if (batch.length === 0) return found;
      const byAccount = new Map<
        string,
        { accountId: ObjectId; phones: Set<string>; campaigns: Map<string, ObjectId> }
      >();
      for (const lead of batch) {
        const key = lead.accountId.toHexString();
        let group = byAccount.get(key);
        if (!group)
          byAccount.set(key, (group = { accountId: lead.accountId, phones: new Set(), campaigns: new Map() }));
        group.phones.add(lead.phoneNumber);
        group.campaigns.set(lead.campaignId.toHexString(), lead.campaignId);
      }
      const entries = await suppressions
        .find({
          $or: [...byAccount.values()].map((group) => ({
            accountId: group.accountId,
            phoneNumber: { $in: [...group.phones] },
            campaignId: { $in: [null, ...group.campaigns.values()] },
          })),
        })
        .toArray();
      for (const lead of batch) {
        const entry = entries.find(
          (candidate) =>
            candidate.accountId.equals(lead.accountId) &&
            candidate.phoneNumber === lead.phoneNumber &&
            (candidate.campaignId == null || candidate.campaignId.equals(lead.campaignId)),
        );
        if (entry) found.set(lead._id.toHexString(), entry);
      }
      return found;
    },

    /** How many leads are due now: the backlog a metrics gauge samples. */
    async countDue(scope: ClaimScope, now: Date): Promise<number> {
      const counts = await Promise.all(pieceFilters(scope, now).map((filter) => leads.countDocuments(filter)));
      return counts.reduce((sum, count) => sum + count, 0);
    },

    /**
     * The campaigns that have leads waiting (pending, or leased and maybe expired): the only
     * ones a claim needs to name. Read from the claim index's first two fields, one campaign
     * per key group, through a cursor, so neither the answer's size nor the work depends on
     * campaigns without leads.
     */
    async campaignsWithWaitingLeads(): Promise<ObjectId[]> {
      const found = new Map<string, ObjectId>();
      for (const state of ["pending", "dispatching"] as const) {
        const groups = leads.aggregate<{ _id: ObjectId }>([
          { $match: { state } },
          { $sort: { state: 1, campaignId: 1 } },
          // Sort and group on the index's prefix with `$first` only: the shape MongoDB serves with a DISTINCT_SCAN.
          { $group: { _id: "$campaignId", first: { $first: "$campaignId" } } },
        ]);
        for await (const group of groups) found.set(group._id.toHexString(), group._id);
      }
      return [...found.values()];
    },

    /**
     * The zone keys of the waiting leads of these campaigns, for working out
     * which are open; the claim index serves it (state, campaign, zone key).
     */
    async zoneKeysOf(campaignIds: ObjectId[]): Promise<string[]> {
      if (campaignIds.length === 0) return [];
      const keys = await leads.distinct("zoneKey", {
        state: { $in: ["pending", "dispatching"] },
        campaignId: { $in: campaignIds },
      });
      // Leads stored before zones have none: the fallback key stands for them.
      return [
        ...new Set(keys.map((key) => (typeof key === "string" ? key : FALLBACK_ZONE_KEY)).concat(FALLBACK_ZONE_KEY)),
      ];
    },

    /** The suppression entry that forbids calling this lead, or null: read after the claim, before the hand-off. */
    async suppressionOf(lead: LeadDoc): Promise<SuppressionDoc | null> {
      return suppressions.findOne({
        accountId: lead.accountId,
        phoneNumber: lead.phoneNumber,
        campaignId: { $in: [null, lead.campaignId] },
      });
    },

    /** A claimed lead whose number is suppressed: terminal, the reason kept, the attempt not counted. */
    async markSuppressed(lead: LeadDoc, workerId: string, reason: string): Promise<boolean> {
      const now = new Date();
      // The claim's attempt names the event: a lease taken over is claimed again under the next number.
      const pendingEvent = leadEventFor(lead._id, "suppressed", lead.attempts, now);
      const changed = await leads.findOneAndUpdate(
        heldBy(lead, workerId),
        {
          $set: { state: "suppressed", suppressedAt: now, suppressionReason: reason, updatedAt: now, pendingEvent },
          $unset: { leaseOwner: "", leaseExpiresAt: "", leaseToken: "" },
          $inc: { attempts: -1 },
        },
        { returnDocument: "after" },
      );
      if (!changed) return false;
      await events.publish(changed);
      return true;
    },

    /** Records several hand-offs in one round trip; returns how many this worker still held. */
    async markManyDispatched(leadIds: ObjectId[], workerId: string): Promise<number> {
      const now = new Date();
      const result = await leads.updateMany(
        { _id: { $in: leadIds }, state: "dispatching", leaseOwner: workerId },
        {
          $set: { state: "dispatched", dispatchedAt: now, updatedAt: now },
          $unset: { leaseOwner: "", leaseExpiresAt: "", leaseToken: "", lastError: "" },
        },
      );
      return result.modifiedCount;
    },

    async scheduleRetry(lead: LeadDoc, workerId: string, error: string, nextAttemptAt: Date): Promise<boolean> {
      const result = await leads.updateOne(heldBy(lead, workerId), {
        $set: {
          state: "pending",
          nextAttemptAt,
          lastError: error,
          settledAttempts: lead.attempts,
          updatedAt: new Date(),
        },
        $unset: { leaseOwner: "", leaseExpiresAt: "", leaseToken: "" },
      });
      return result.modifiedCount === 1;
    },

    async markFailed(lead: LeadDoc, workerId: string, error: string): Promise<boolean> {
      const now = new Date();
      const pendingEvent = leadEventFor(lead._id, "failed", lead.attempts, now);
      const changed = await leads.findOneAndUpdate(
        heldBy(lead, workerId),
        {
          $set: { state: "failed", lastError: error, failedAt: now, updatedAt: now, pendingEvent },
          $unset: { leaseOwner: "", leaseExpiresAt: "", leaseToken: "" },
        },
        { returnDocument: "after" },
      );
      if (!changed) return false;
      await events.publish(changed);
      return true;
    },

    /** Gives a lease back untried (shutdown): due now, and the attempt not counted. */
    async release(lead: LeadDoc, workerId: string): Promise<boolean> {
      const result = await leads.updateOne(heldBy(lead, workerId), {
        $set: { state: "pending", nextAttemptAt: new Date(), updatedAt: new Date() },
        $unset: { leaseOwner: "", leaseExpiresAt: "", leaseToken: "" },
        $inc: { attempts: -1 },
      });
      return result.modifiedCount === 1;
    },
  };
}

export type DispatchQueue = ReturnType<typeof createDispatchQueue>;
