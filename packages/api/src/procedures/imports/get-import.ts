import { AppError, ERROR_CODES } from "@leadline/core";
import { toImportView } from "../../views/import-view.ts";
import { IMPORT_NOT_FOUND } from "../error-descriptions.ts";
import { readProcedure } from "../procedure-builders.ts";
import { getImportMeta, importOutput, importPathInput } from "./import-procedures.types.ts";

/** `GET /api/v1/imports/{importId}`; another account's job is a 404 like a missing one. */
export const getImport = readProcedure
  .meta(getImportMeta)
  .input(importPathInput)
  .output(importOutput)
  .query(async ({ ctx, input }) => {
    const job = await ctx.deps.repos.importJobs.findOwned(ctx.principal.accountId, input.importId);
    if (!job) throw new AppError(ERROR_CODES.NOT_FOUND, IMPORT_NOT_FOUND);
    return { success: true as const, data: toImportView(job), error: null };
  });
