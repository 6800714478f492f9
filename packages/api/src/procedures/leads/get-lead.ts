import { toLeadView } from "../../views/lead-view.ts";
import { readProcedure } from "../procedure-builders.ts";
import { requireLead } from "../require-owned.ts";
import { getLeadInput, getLeadMeta, getLeadOutput } from "./read-leads.types.ts";

export const getLead = readProcedure
  .meta(getLeadMeta)
  .input(getLeadInput)
  .output(getLeadOutput)
  .query(async ({ ctx, input }) => {
    return { success: true as const, data: toLeadView(await requireLead(ctx, input.leadId)), error: null };
  });
