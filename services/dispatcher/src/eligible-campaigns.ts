import { RECIPIENT_TIME_ZONE, isWithinCallingHours, openZoneKeys } from "@leadline/core";
import {
  DEFAULT_CLAIM_CAMPAIGNS,
  type CampaignDoc,
  type CampaignRepository,
  type ClaimScope,
  type ObjectId,
} from "@leadline/db/dispatch";

/** What the queue knows of waiting leads (`DispatchQueue` provides both). */
export interface WaitingLeads {
  /** The campaigns that have leads waiting: the only ones worth loading. */
  campaignsWithWaitingLeads(): Promise<ObjectId[]>;
  /** The zone keys of the waiting leads of some campaigns. */
  zoneKeysOf(campaignIds: ObjectId[]): Promise<string[]>;
}

/** What may be called at one moment: the campaigns, and the claim's scope over their leads. */
export interface CallableNow {
  campaigns: CampaignDoc[];
  scope: ClaimScope;
}

/** Zone keys are read again at least this often, as the issue asks ("cache it for a minute"). */
const MAX_ZONE_KEY_AGE_MS = 60_000;

const isRecipientLocal = (campaign: CampaignDoc) => campaign.callingHours?.timeZone === RECIPIENT_TIME_ZONE;

/**
 * Which leads may be called at `now`: campaigns with a fixed zone (or none)
 * are open or closed as a whole; for recipient-local campaigns, the zone
 * keys open now, one group per distinct set so the claim's `$or` stays short.
 */
export function claimScopeAt(campaigns: readonly CampaignDoc[], zoneKeys: readonly string[], now: Date): CallableNow {
  const scope: ClaimScope = { anyZone: [], byZone: [] };
  const callable: CampaignDoc[] = [];
  const groups = new Map<string, { campaignIds: ObjectId[]; zoneKeys: string[] }>();
  for (const campaign of campaigns) {
    const hours = campaign.callingHours;
    if (!hours || !isRecipientLocal(campaign)) {
      if (!isWithinCallingHours(hours, now)) continue;
      scope.anyZone.push(campaign._id);
      callable.push(campaign);
      continue;
    }
    const open = openZoneKeys(hours, zoneKeys, now);
    if (open.length === 0) continue;
    callable.push(campaign);
    const groupKey = open.join("\n");
    const group = groups.get(groupKey);
    if (group) group.campaignIds.push(campaign._id);
    else groups.set(groupKey, { campaignIds: [campaign._id], zoneKeys: open });
  }
  scope.byZone = [...groups.values()];
  return { campaigns: callable, scope };
}

/**
 * The active campaigns that have leads waiting, reloaded every `refreshMs`
 * `pageSize` at a time, and the zone keys of their waiting leads, reloaded as
 * often (a minute at most): a campaign without leads costs no claim anything,
 * however many there are. Which of them
 * may call is decided at each claim, against the clock, from their calling
 * hours. A campaign paused through the API stops being claimed within
 * `refreshMs`; a lead of a zone set not seen before waits for the next
 * reload, never the other way round.
 */
export class EligibleCampaigns {
  private campaigns = new Map<string, CampaignDoc>();
  private zoneKeys: string[] = [];
  private loadedAt = 0;
  private loading: Promise<void> | undefined;

  constructor(
    private readonly repo: Pick<CampaignRepository, "listActiveAmong">,
    private readonly refreshMs: number,
    private readonly waiting: WaitingLeads,
    /** Campaign ids per look-up (DISPATCH_CLAIM_CAMPAIGNS), so that no query grows with their number. */
    private readonly pageSize = DEFAULT_CLAIM_CAMPAIGNS,
  ) {}

  private async refresh(): Promise<void> {
    const ids = await this.waiting.campaignsWithWaitingLeads();
    const active: CampaignDoc[] = [];
    const zoneKeys = new Set<string>();
    for (let start = 0; start < ids.length; start += this.pageSize) {
      const page = await this.repo.listActiveAmong(ids.slice(start, start + this.pageSize));
      active.push(...page);
      const recipientLocal = page.filter(isRecipientLocal).map((campaign) => campaign._id);
      if (recipientLocal.length > 0) for (const key of await this.waiting.zoneKeysOf(recipientLocal)) zoneKeys.add(key);
    }
    this.zoneKeys = [...zoneKeys];
    this.campaigns = new Map(active.map((campaign) => [campaign._id.toHexString(), campaign]));
    this.loadedAt = Date.now();
  }

  /** The active campaigns whose calling hours include `now`, and the scope of the claim at `now`. */
  async callableNow(now: Date): Promise<CallableNow> {
    if (Date.now() - this.loadedAt >= Math.min(this.refreshMs, MAX_ZONE_KEY_AGE_MS)) {
      this.loading ??= this.refresh().finally(() => (this.loading = undefined));
      await this.loading;
    }
    return claimScopeAt([...this.campaigns.values()], this.zoneKeys, now);
  }
}
