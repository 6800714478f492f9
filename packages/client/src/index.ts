import type { AppRouter } from "@leadline/api";
import { TRPCClientError, createTRPCClient, httpLink } from "@trpc/client";

export interface LeadlineClientOptions {
  /** Base URL of the Leadline API, e.g. http://127.0.0.1:3000. */
  url: string;
  apiKey: string;
  /** A fetch of your own (retries, tracing); defaults to the global one. */
  fetch?: typeof fetch;
}

/**
 * A typed client for internal callers, over the same procedures and error
 * messages as the REST API.
 *
 * @example
 * const leadline = createLeadlineClient({ url: "http://127.0.0.1:3000", apiKey });
 * const { data } = await leadline.leads.bulkCreate.mutate({ campaignId, leads: [{ phoneNumber: "+15555551234" }] });
 */
export function createLeadlineClient(options: LeadlineClientOptions) {
  return createTRPCClient<AppRouter>({
    links: [
      httpLink({
        url: `${options.url.replace(/\/+$/, "")}/trpc`,
        headers: ({ op }) => {
          const key = (op.context as IdempotencyContext).idempotencyKey;
          return { "x-api-key": options.apiKey, ...(key === undefined ? {} : { "Idempotency-Key": key }) };
        },
        fetch: options.fetch,
      }),
    ],
  });
}

export type LeadlineClient = ReturnType<typeof createLeadlineClient>;

interface IdempotencyContext extends Record<string, unknown> {
  idempotencyKey?: string;
}

/**
 * Call options that send `Idempotency-Key: key` with a mutation, so that
 * retrying it with the same key and input cannot do the work twice.
 *
 * @example
 * await leadline.leads.create.mutate({ campaignId, phoneNumber }, withIdempotencyKey("crm-42"));
 */
export function withIdempotencyKey(key: string): { context: IdempotencyContext } {
  return { context: { idempotencyKey: key } };
}

export interface LeadlineErrorDetails {
  /** HTTP status the REST API answers the same mistake with. */
  httpStatus: number | undefined;
  /** Leadline's error code, e.g. VALIDATION_FAILED. */
  code: string | undefined;
  message: string;
  issues: { path: string; message: string }[];
}

/** The status, code, message and issues of a failed call, as REST would report them. */
export function leadlineErrorDetails(error: unknown): LeadlineErrorDetails | undefined {
  if (!(error instanceof TRPCClientError)) return undefined;
  const data = (error as TRPCClientError<AppRouter>).data as
    | { httpStatus?: number; errorCode?: string; issues?: LeadlineErrorDetails["issues"] | null }
    | undefined;
  return {
    httpStatus: data?.httpStatus,
    code: data?.errorCode,
    message: error.message,
    issues: data?.issues ?? [],
  };
}
