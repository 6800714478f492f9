import type { Repositories } from "./repositories.ts";

export interface SeededAccount {
  accountId: string;
  campaignId: string;
  /** Plain keys: shown now, stored only hashed. */
  apiKey: string;
  readOnlyApiKey: string;
}

/** An account with one active campaign, a read+write key and a read-only key. */
export async function seedAccount(
  repos: Repositories,
  names: { account?: string; campaign?: string } = {},
): Promise<SeededAccount> {
  const account = await repos.accounts.create({ name: names.account ?? "Demo account" });
  const campaign = await repos.campaigns.create({ accountId: account._id, name: names.campaign ?? "Demo campaign" });
  const writeKey = await repos.apiKeys.create({
    accountId: account._id,
    name: "read+write",
    scopes: ["read", "write"],
  });
  const readKey = await repos.apiKeys.create({ accountId: account._id, name: "read-only", scopes: ["read"] });
  return {
    accountId: account._id.toHexString(),
    campaignId: campaign._id.toHexString(),
    apiKey: writeKey.key,
    readOnlyApiKey: readKey.key,
  };
}
