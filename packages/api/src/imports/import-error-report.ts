import { AppError, csvCell, ERROR_CODES } from "@leadline/core";
import type { ImportJobDoc } from "@leadline/db";
import { authenticate } from "../auth/authenticate.ts";
import type { Context } from "../context.ts";
import { IMPORT_NOT_FOUND } from "../procedures/error-descriptions.ts";

// People open this report in spreadsheets, and its fields (the header too) are the uploader's own text.
const csvLine = (fields: readonly string[]) => `${fields.map(csvCell).join(",")}\r\n`;

function headerOf(job: ImportJobDoc): string[] {
  return ["line", "error", ...(job.format === "ndjson" ? ["row"] : (job.columns ?? []))];
}

/**
 * `GET /api/v1/imports/{id}/errors`: the job's rejected rows as CSV, one
 * line per row (line, error, then the row's fields), streamed from the
 * database in file order. Readable while the job runs: it holds the rows
 * checkpointed so far.
 */
export async function importErrorReport(ctx: Context, importId: string): Promise<ReadableStream<Uint8Array>> {
  const principal = await authenticate(ctx, "read");
  const job = await ctx.deps.repos.importJobs.findOwned(principal.accountId, importId);
  if (!job) throw new AppError(ERROR_CODES.NOT_FOUND, IMPORT_NOT_FOUND);
  const rows = ctx.deps.repos.importErrors.inLineOrder(job._id);
  const encoder = new TextEncoder();
  let headerSent = false;
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      if (!headerSent) {
        headerSent = true;
        controller.enqueue(encoder.encode(csvLine(headerOf(job))));
        return;
      }
      const next = await rows.next();
      if (next.done) controller.close();
      else
        controller.enqueue(encoder.encode(csvLine([String(next.value.line), next.value.error, ...next.value.fields])));
    },
    async cancel() {
      await rows.return(undefined);
    },
  });
}
