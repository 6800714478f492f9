import { AppError, ERROR_CODES, IMPORT_FORMATS, importOptionsSchema, type ImportView } from "@leadline/core";
import { authenticate } from "../auth/authenticate.ts";
import type { Context } from "../context.ts";
import { requireCampaign } from "../procedures/require-owned.ts";
import { toImportView } from "../views/import-view.ts";

/** Limits an upload is held to; the service reads them from its environment. */
export interface ImportLimits {
  /** MAX_IMPORT_BYTES: larger bodies are refused with 413 and nothing is kept. */
  maxBytes: number;
  /** IMPORT_MAX_ACTIVE_JOBS: queued plus running jobs per account. */
  maxActiveJobs: number;
}

/** One upload as the HTTP edge hands it over: no Request, so the rules stay transport-neutral. */
export interface ImportUpload {
  campaignId: string;
  contentType: string | null;
  /** Content-Length when the client sent one. */
  declaredLength: number | undefined;
  query: Record<string, string>;
  body: ReadableStream<Uint8Array> | null;
}

const ACCEPTED = Object.keys(IMPORT_FORMATS).join(" or ");

function formatOf(contentType: string | null) {
  const mediaType = contentType?.split(";")[0]?.trim().toLowerCase() ?? "";
  const format = IMPORT_FORMATS[mediaType as keyof typeof IMPORT_FORMATS];
  if (format) return format;
  throw new AppError(
    ERROR_CODES.UNSUPPORTED_MEDIA_TYPE,
    contentType
      ? `Unsupported Content-Type "${contentType}": send the file as ${ACCEPTED}`
      : `Missing Content-Type header: send the file as ${ACCEPTED}`,
  );
}

const tooLarge = (maxBytes: number) =>
  new AppError(
    ERROR_CODES.PAYLOAD_TOO_LARGE,
    `Import file is larger than ${maxBytes} bytes (MAX_IMPORT_BYTES); split it into several imports`,
  );

/**
 * `POST /api/v1/campaigns/{campaignId}/imports`: checks the key, the media
 * type, the options, the campaign and the account's job cap, in that
 * order, before reading a byte of the body; then streams the body into
 * GridFS and queues the job. Imports do not spend the bulk budget.
 */
export async function startImport(ctx: Context, upload: ImportUpload, limits: ImportLimits): Promise<ImportView> {
  const principal = await authenticate(ctx, "write");
  const format = formatOf(upload.contentType);
  const options = importOptionsSchema.parse(upload.query);
  const campaign = await requireCampaign({ ...ctx, principal }, upload.campaignId);
  if (upload.declaredLength !== undefined && upload.declaredLength > limits.maxBytes) throw tooLarge(limits.maxBytes);
  const { repos } = ctx.deps;
  const job = await repos.importJobs.reserve({
    accountId: principal.accountId,
    campaignId: campaign._id,
    format,
    options,
    maxActive: limits.maxActiveJobs,
  });
  if (!job) {
    throw new AppError(
      ERROR_CODES.RATE_LIMITED,
      `This account already has ${limits.maxActiveJobs} imports queued or running (IMPORT_MAX_ACTIVE_JOBS); ` +
        `wait for one to finish or cancel one`,
      { headers: { "Retry-After": "60" } },
    );
  }
  try {
    if (!upload.body) throw new AppError(ERROR_CODES.VALIDATION_FAILED, "Request body is empty: send the file");
    const stored = await repos.importFiles.store(upload.body, `${job._id.toHexString()}.${format}`, limits.maxBytes);
    if (!stored.ok) throw tooLarge(limits.maxBytes);
    if (stored.length === 0) {
      await repos.importFiles.remove(stored.fileId);
      throw new AppError(ERROR_CODES.VALIDATION_FAILED, "Request body is empty: send the file");
    }
    const queued = await repos.importJobs.queue(job._id, stored.fileId, stored.length);
    if (!queued) throw new Error("an upload's job vanished before it was queued");
    ctx.deps.log.info(
      { requestId: ctx.requestId, importId: job._id.toHexString(), bytes: stored.length, format },
      "import queued",
    );
    return toImportView(queued);
  } catch (error) {
    await repos.importJobs.discard(job._id).catch(() => undefined);
    throw error;
  }
}
