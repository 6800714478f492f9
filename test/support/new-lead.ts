import type { NewLead } from "@leadline/core";

/** A validated lead as the repository takes it: only the phone given, the rest as the schema defaults it. */
export const newLead = (phoneNumber: string, extra: Partial<NewLead> = {}): NewLead => ({
  phoneNumber,
  externalId: undefined,
  metadata: undefined,
  scheduledFor: undefined,
  priority: 0,
  ...extra,
});
