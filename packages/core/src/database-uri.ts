/** Why a production process will not fall back to a throwaway database. */
export const MONGODB_URI_REQUIRED =
  "MONGODB_URI is required when NODE_ENV=production: set it to your MongoDB deployment";

/**
 * The database a worker or script connects to: `MONGODB_URI`; without it in
 * development, the embedded database of a running `pnpm start`, which
 * `findEmbedded` looks up (the entry file loads that code only then). In
 * production a missing URI is refused rather than guessed.
 */
export async function workerDatabaseUri(
  env: Readonly<Record<string, string | undefined>>,
  findEmbedded: () => Promise<string | undefined>,
): Promise<{ uri: string | undefined } | { refused: string }> {
  if (env.MONGODB_URI) return { uri: env.MONGODB_URI };
  if (env.NODE_ENV === "production") return { refused: MONGODB_URI_REQUIRED };
  return { uri: await findEmbedded() };
}
