/** Limits a caller can rely on; the docs and the OpenAPI document quote them. */
export const LIMITS = {
  maxLeadsPerRequest: 1000,
  phoneNumberMaxLength: 64,
  externalIdMaxLength: 256,
  campaignIdMaxLength: 128,
  priorityMin: 0,
  priorityMax: 100,
  metadataMaxBytes: 8 * 1024,
  metadataMaxDepth: 5,
  metadataMaxKeys: 200,
  metadataKeyMaxLength: 100,
} as const;
