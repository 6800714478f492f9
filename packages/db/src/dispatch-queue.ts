import { FALLBACK_ZONE_KEY, WAITING_LEAD_STATES } from "@leadline/core";
import type { Filter, ObjectId } from "mongodb";
import { DEFAULT_CLAIM_CAMPAIGNS, restrictScope, splitScope } from "./claim-scope.ts";
import type { Collections } from "./collections.ts";
import type { LeadDoc, SuppressionDoc } from "./documents.ts";
import { createLeadTransitions } from "./lead-lifecycle/transition.ts";

/** Which leads may be called now, as the dispatcher works it out from the campaigns' calling hours. */
export interface ClaimScope {
  /** Campaigns whose window is open for all their leads (a fixed zone, or any time). */
  anyZone: ObjectId[];
  /** Recipient-local campaigns, grouped by the zone keys open now for them. */
  byZone: { campaignIds: ObjectId[]; zoneKeys: string[] }[];
}

export interface BatchClaimRequest {
  workerId: string;
  scope: ClaimScope;
  leaseMs: number;
  now: Date;
  /** At most this many leads: the worker's free dialer lines, capped by `DISPATCH_BATCH_SIZE`. */
  limit: number;
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
  const transitions = createLeadTransitions(collections);
  /** The lead as this worker holds it: every transition out of a lease is guarded by it. */
  const heldBy = (lead: LeadDoc, workerId: string) => ({ _id: lead._id, leaseOwner: workerId });

  return {
    /**
     * Leases up to `limit` due leads in {@link CLAIM_SORT} order in three round trips, whatever
     * the limit: finds the candidates' ids with the claim filter and sort (so the same
     * indexes serve it; one query per piece of the scope, merged), leases them with one
     * `updateMany` guarded by that same filter over the candidates' campaigns only, tagged
     * with a token of this claim's own, and reads back the leads that carry the token. A
     * candidate another worker leased in between no longer matches the guard and is simply not
     * in the batch; each lead keeps its own lease and its attempt counted. A limit of 1 is the
     * one-lead claim (DISPATCH_BATCH_SIZE=1).
     */
    async claimBatch({ workerId, scope, leaseMs, now, limit }: BatchClaimRequest): Promise<LeadDoc[]> {
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
      const leaseToken = crypto.randomUUID();
      const leased = await transitions.many("claim", {
        where: { $and: [{ _id: { $in: ids } }, filter] },
        now,
        values: { leaseOwner: workerId, leaseToken, leaseExpiresAt: new Date(now.getTime() + leaseMs) },
      });
      if (leased === 0) return [];
      // By _id (the primary index), then the token: only the leads this very claim leased.
      const got = await leads.find({ _id: { $in: ids }, leaseToken, state: "dispatching" }).toArray();
      const order = new Map(ids.map((id, index) => [id.toHexString(), index]));
      return got.sort((a, b) => order.get(a._id.toHexString())! - order.get(b._id.toHexString())!);
    },

    /**
     * The suppression entries that forbid calling any of these leads, in one query; keyed by
     * lead id. Read after the claim: a suppression acknowledged before this read is always
     * seen, so the number is not handed off; one added later can only meet a hand-off on its way.
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
      for (const state of WAITING_LEAD_STATES) {
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
        state: { $in: [...WAITING_LEAD_STATES] },
        campaignId: { $in: campaignIds },
      });
      // Leads stored before zones have none: the fallback key stands for them.
      return [
        ...new Set(keys.map((key) => (typeof key === "string" ? key : FALLBACK_ZONE_KEY)).concat(FALLBACK_ZONE_KEY)),
      ];
    },

    /** A claimed lead whose number is suppressed: terminal, the reason kept, the attempt not counted. */
    async markSuppressed(lead: LeadDoc, workerId: string, reason: string, now = new Date()): Promise<boolean> {
      // The claim's attempt names the event: a lease taken over is claimed again under the next number.
      return transitions.one("suppressedAtClaim", {
        where: heldBy(lead, workerId),
        now,
        values: { suppressionReason: reason },
        attempt: lead.attempts,
      });
    },

    /** Records several hand-offs in one round trip; returns how many this worker still held. */
    async markManyDispatched(leadIds: ObjectId[], workerId: string, now = new Date()): Promise<number> {
      return transitions.many("handedOff", { where: { _id: { $in: leadIds }, leaseOwner: workerId }, now, values: {} });
    },

    async scheduleRetry(
      lead: LeadDoc,
      workerId: string,
      error: string,
      nextAttemptAt: Date,
      now = new Date(),
    ): Promise<boolean> {
      return transitions.one("handOffRetry", {
        where: heldBy(lead, workerId),
        now,
        values: { nextAttemptAt, lastError: error },
        attempt: lead.attempts,
      });
    },

    async markFailed(lead: LeadDoc, workerId: string, error: string, now = new Date()): Promise<boolean> {
      return transitions.one("handOffFailed", {
        where: heldBy(lead, workerId),
        now,
        values: { lastError: error },
        attempt: lead.attempts,
      });
    },

    /** Gives a lease back untried (shutdown): due now, and the attempt not counted. */
    async release(lead: LeadDoc, workerId: string, now = new Date()): Promise<boolean> {
      return transitions.one("released", { where: heldBy(lead, workerId), now, values: { nextAttemptAt: now } });
    },
  };
}

export type DispatchQueue = ReturnType<typeof createDispatchQueue>;
