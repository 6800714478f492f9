/**
 * Success statuses an operation answers besides 200, for the OpenAPI
 * document (trpc-to-openapi describes only 200). Each gets 200's body.
 *
 * @example
 * { openapi: { ... }, successStatuses: { 201: "Lead created" } }
 */
export interface SuccessStatusMeta {
  successStatuses?: Record<number, string>;
}
