import { writeProcedure } from "../procedure-builders.ts";
import { requireCampaign } from "../require-owned.ts";
import { addSuppressionsInput, addSuppressionsMeta, addSuppressionsOutput } from "./suppression-procedures.types.ts";

/** `POST /api/v1/suppressions` and `suppressions.add`: one upsert per number, decided by the unique index. */
export const addSuppressions = writeProcedure
  .meta(addSuppressionsMeta)
  .input(addSuppressionsInput)
  .output(addSuppressionsOutput)
  .mutation(async ({ ctx, input }) => {
    const campaign = input.campaignId ? await requireCampaign(ctx, input.campaignId) : null;
    const result = await ctx.deps.repos.suppressions.add({
      accountId: ctx.principal.accountId,
      campaignId: campaign?._id ?? null,
      phoneNumbers: input.phoneNumbers,
      reason: input.reason,
      source: input.source ?? "api",
    });
    ctx.deps.log.info(
      { requestId: ctx.requestId, accountId: ctx.principal.accountId.toHexString(), ...result },
      "numbers suppressed",
    );
    return { success: true as const, data: result, error: null };
  });
