import { maxAttemptsOf, outcomeTransition, type IgnoredOutcomeReason, type OutcomeReport } from "@leadline/core";
import type { LeadDoc, OutcomeEntry } from "@leadline/db";
import { scopedProcedure } from "../procedure-builders.ts";
import { reportOutcomesInput, reportOutcomesMeta, reportOutcomesOutput } from "./report-outcomes.types.ts";

/** Leads worked on at once; each lead's own reports go one after another, in request order. */
const LEAD_CONCURRENCY = 16;

async function forEachLimited<TItem>(items: TItem[], limit: number, work: (item: TItem) => Promise<void>) {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await work(items[next++]!);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}

const toEntry = (report: OutcomeReport, now: Date): OutcomeEntry => {
  const entry: OutcomeEntry = {
    attempt: report.attempt,
    outcome: report.outcome,
    occurredAt: report.occurredAt ? new Date(report.occurredAt) : now,
    reportedAt: now,
  };
  if (report.durationSeconds !== undefined) entry.durationSeconds = report.durationSeconds;
  if (report.details !== undefined) entry.details = report.details;
  return entry;
};

/** Why an outcome that did not apply was ignored, from the lead as stored now. */
function ignoredReason(stored: LeadDoc | null, attempt: number): IgnoredOutcomeReason {
  if (!stored) return "not_found";
  return stored.outcomes?.some((entry) => entry.attempt === attempt) ? "duplicate" : "stale_attempt";
}

/**
 * `POST /api/v1/outcomes` and `outcomes.report`: each outcome is one
 * conditional update of its lead, so replays, concurrent reports and
 * reports racing the dispatcher apply at most once (see OutcomeRepository).
 */
export const reportOutcomes = scopedProcedure("dialer")
  .meta(reportOutcomesMeta)
  .input(reportOutcomesInput)
  .output(reportOutcomesOutput)
  .mutation(async ({ ctx, input }) => {
    const { outcomes: repo, suppressions } = ctx.deps.repos;
    const accountId = ctx.principal.accountId;
    const now = new Date();
    const leads = await repo.findOwnedLeads(
      accountId,
      input.outcomes.map((report) => report.leadId),
    );
    const campaigns = await repo.findCampaigns([...leads.values()].map((lead) => lead.campaignId));
    const ignored: { index: number; leadId: string; reason: IgnoredOutcomeReason }[] = [];
    const byLead = new Map<string, number[]>();
    input.outcomes.forEach((report, index) => {
      if (!leads.has(report.leadId)) ignored.push({ index, leadId: report.leadId, reason: "not_found" });
      else byLead.set(report.leadId, [...(byLead.get(report.leadId) ?? []), index]);
    });
    let applied = 0;
    await forEachLimited([...byLead.entries()], LEAD_CONCURRENCY, async ([leadId, indexes]) => {
      const lead = leads.get(leadId)!;
      const campaign = campaigns.get(lead.campaignId.toHexString());
      for (const index of indexes) {
        const report = input.outcomes[index]!;
        if (report.outcome === "opted_out") {
          // First, and even for a late report: the person asked not to be called, whichever call it was.
          await suppressions.add({
            accountId,
            campaignId: null,
            phoneNumbers: [lead.phoneNumber],
            reason: "opted out on a call",
            source: "outcome",
          });
        }
        const transition = outcomeTransition(
          report.outcome,
          {
            attempts: report.attempt,
            maxAttempts: maxAttemptsOf(campaign),
            retryPolicy: campaign?.retryPolicy,
          },
          now,
        );
        if (await repo.apply(lead, toEntry(report, now), transition)) applied++;
        else ignored.push({ index, leadId, reason: ignoredReason(await repo.reload(lead), report.attempt) });
      }
    });
    ignored.sort((a, b) => a.index - b.index);
    ctx.deps.log.info(
      { requestId: ctx.requestId, accountId: accountId.toHexString(), applied, ignored: ignored.length },
      "call outcomes reported",
    );
    return { success: true as const, data: { applied, ignored }, error: null };
  });
