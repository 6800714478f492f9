import { AppError, ERROR_CODES } from "@leadline/core";
import { writeProcedure } from "../procedure-builders.ts";
import { LEAD_NOT_FOUND } from "../error-descriptions.ts";
import { deleteLeadInput, deleteLeadMeta, deleteLeadOutput } from "./delete-leads.types.ts";

/** `DELETE /api/v1/leads/{leadId}` and `leads.delete`. */
export const deleteLead = writeProcedure
  .meta(deleteLeadMeta)
  .input(deleteLeadInput)
  .output(deleteLeadOutput)
  .mutation(async ({ ctx, input }) => {
    const deleted = await ctx.deps.repos.leadDirectory.deleteOwned(ctx.principal.accountId, input.leadId);
    if (!deleted) throw new AppError(ERROR_CODES.NOT_FOUND, LEAD_NOT_FOUND);
    return { success: true as const, data: { id: input.leadId, deleted: true as const }, error: null };
  });
