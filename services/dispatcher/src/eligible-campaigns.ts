import { isWithinCallingHours } from "@leadline/core";
import type { CampaignDoc, CampaignRepository } from "@leadline/db/dispatch";

/**
 * The active campaigns, reloaded every `refreshMs`; which of them may call
 * is decided at each claim, against the clock, from their calling hours.
 * A campaign paused through the API stops being claimed within `refreshMs`.
 */
export class EligibleCampaigns {
  private campaigns = new Map<string, CampaignDoc>();
  private loadedAt = 0;
  private loading: Promise<void> | undefined;

  constructor(
    private readonly repo: CampaignRepository,
    private readonly refreshMs: number,
  ) {}

  private async refresh(): Promise<void> {
    const active = await this.repo.listActive();
    this.campaigns = new Map(active.map((campaign) => [campaign._id.toHexString(), campaign]));
    this.loadedAt = Date.now();
  }

  /** The active campaigns whose calling hours include `now`. */
  async callableNow(now: Date): Promise<CampaignDoc[]> {
    if (Date.now() - this.loadedAt >= this.refreshMs) {
      this.loading ??= this.refresh().finally(() => (this.loading = undefined));
      await this.loading;
    }
    return [...this.campaigns.values()].filter((campaign) => isWithinCallingHours(campaign.callingHours, now));
  }
}
