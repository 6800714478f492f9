import type { LeadView } from "@leadline/core";
import type { LeadDoc } from "@leadline/db";

const iso = (date: Date | undefined) => date?.toISOString() ?? null;

export const toLeadView = (lead: LeadDoc): LeadView => ({
  id: lead._id.toHexString(),
  campaignId: lead.campaignId.toHexString(),
  phoneNumber: lead.phoneNumber,
  externalId: lead.externalId ?? null,
  metadata: lead.metadata ?? null,
  scheduledFor: iso(lead.scheduledFor),
  priority: lead.priority,
  state: lead.state,
  attempts: lead.attempts,
  nextAttemptAt: lead.nextAttemptAt.toISOString(),
  lastError: lead.lastError ?? null,
  dispatchedAt: iso(lead.dispatchedAt),
  failedAt: iso(lead.failedAt),
  timeZone: lead.timeZone ?? null,
  zones: lead.zones ?? [],
  lastOutcome: lead.lastOutcome ?? null,
  completedAt: iso(lead.completedAt),
  suppressedAt: iso(lead.suppressedAt),
  suppressionReason: lead.suppressionReason ?? null,
  outcomes: (lead.outcomes ?? []).map((entry) => ({
    attempt: entry.attempt,
    outcome: entry.outcome,
    occurredAt: entry.occurredAt.toISOString(),
    durationSeconds: entry.durationSeconds ?? null,
    details: entry.details ?? null,
  })),
  createdAt: lead.createdAt.toISOString(),
  updatedAt: lead.updatedAt.toISOString(),
});
