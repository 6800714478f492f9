import type { ObjectId } from "mongodb";
import type { ClaimScope } from "./dispatch-queue.ts";

/** Campaign ids per claim query unless the dispatcher says otherwise (DISPATCH_CLAIM_CAMPAIGNS). */
export const DEFAULT_CLAIM_CAMPAIGNS = 500;

/**
 * Splits a claim's scope into scopes of at most `maxCampaigns` campaign ids
 * each, so that no query's filter grows with the number of campaigns: a
 * group of recipient-local campaigns is cut into pieces that keep its zone
 * keys. An empty scope gives no pieces.
 */
export function splitScope(scope: ClaimScope, maxCampaigns: number): ClaimScope[] {
  const pieces: ClaimScope[] = [];
  let current: ClaimScope = { anyZone: [], byZone: [] };
  let room = maxCampaigns;
  const next = () => {
    pieces.push(current);
    current = { anyZone: [], byZone: [] };
    room = maxCampaigns;
  };
  for (let i = 0; i < scope.anyZone.length; ) {
    if (room === 0) next();
    const taken = scope.anyZone.slice(i, i + room);
    current.anyZone.push(...taken);
    room -= taken.length;
    i += taken.length;
  }
  for (const group of scope.byZone) {
    if (group.zoneKeys.length === 0) continue;
    for (let i = 0; i < group.campaignIds.length; ) {
      if (room === 0) next();
      const taken = group.campaignIds.slice(i, i + room);
      current.byZone.push({ campaignIds: taken, zoneKeys: group.zoneKeys });
      room -= taken.length;
      i += taken.length;
    }
  }
  if (room < maxCampaigns) pieces.push(current);
  return pieces;
}

/** The part of `scope` that covers these campaigns only: the claim's guard for leads already chosen. */
export function restrictScope(scope: ClaimScope, campaignIds: readonly ObjectId[]): ClaimScope {
  const wanted = new Set(campaignIds.map((id) => id.toHexString()));
  const keep = (ids: ObjectId[]) => ids.filter((id) => wanted.has(id.toHexString()));
  return {
    anyZone: keep(scope.anyZone),
    byZone: scope.byZone
      .map((group) => ({ campaignIds: keep(group.campaignIds), zoneKeys: group.zoneKeys }))
      .filter((group) => group.campaignIds.length > 0),
  };
}
