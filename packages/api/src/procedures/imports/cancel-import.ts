import { AppError, ERROR_CODES } from "@leadline/core";
import { toImportView } from "../../views/import-view.ts";
import { IMPORT_NOT_FOUND } from "../error-descriptions.ts";
import { writeProcedure } from "../procedure-builders.ts";
import { cancelImportMeta, importOutput, importPathInput } from "./import-procedures.types.ts";

/**
 * `POST /api/v1/imports/{importId}/cancel`: the job is cancelled at once;
 * its worker stops at its next checkpoint. The uploaded file is deleted
 * (the error report stays). Cancelling a job that already
 * ended changes nothing and answers it as it is, so a retried cancel is safe.
 */
export const cancelImport = writeProcedure
  .meta(cancelImportMeta)
  .input(importPathInput)
  .output(importOutput)
  .mutation(async ({ ctx, input }) => {
    const { importJobs } = ctx.deps.repos;
    const job = await importJobs.findOwned(ctx.principal.accountId, input.importId);
    if (!job) throw new AppError(ERROR_CODES.NOT_FOUND, IMPORT_NOT_FOUND);
    const cancelled = await importJobs.cancel(ctx.principal.accountId, job._id);
    // A queued job's file goes at once; a running job's worker deletes it when it lets go of the job.
    if (cancelled?.fileId && !cancelled.leaseOwner) {
      await ctx.deps.repos.importFiles.remove(cancelled.fileId);
      await importJobs.forgetFile(cancelled._id);
    }
    return { success: true as const, data: toImportView(cancelled ?? job), error: null };
  });
