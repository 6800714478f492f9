import { bulkCreateInputSchema, normalizePhoneNumber } from "@leadline/core";
import { benchLead } from "./bench-context.ts";
const body = { campaignId: "6650c0ffee00000000000001", leads: Array.from({ length: 1000 }, (_, i) => benchLead(i)) };
const t = (label: string, fn: () => void) => {
  for (let i = 0; i < 20; i++) fn();
  const s = performance.now();
  for (let i = 0; i < 50; i++) fn();
  console.log(label, ((performance.now() - s) / 50).toFixed(2), "ms per 1000");
};
t("full schema", () => bulkCreateInputSchema.parse(body));
t("phones max", () => body.leads.forEach((l) => normalizePhoneNumber(l.phoneNumber)));
