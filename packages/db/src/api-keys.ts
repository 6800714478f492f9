import { createHash, randomBytes } from "node:crypto";
import { ObjectId } from "mongodb";
import type { Collections } from "./collections.ts";
import type { ApiKeyDoc, ApiKeyScope } from "./documents.ts";

/** Every key starts with this, so a leaked key is easy to recognise and grep for. */
export const API_KEY_PREFIX = "ll_live_";

/** SHA-256 of the key, hex. Keys are high-entropy, so a fast hash is enough. */
export function hashApiKey(key: string): string {
  return createHash("sha256").update(key).digest("hex");
}

/** A new key: the prefix and 192 random bits. */
export function generateApiKey(): string {
  return API_KEY_PREFIX + randomBytes(24).toString("base64url");
}

/** 24 random bytes in base64url, unpadded: 32 characters. */
const WELL_FORMED_API_KEY = new RegExp(`^${API_KEY_PREFIX}[A-Za-z0-9_-]{32}$`);

/**
 * Whether `key` has the shape of every key {@link generateApiKey} makes.
 * Checked without the database, so a key that cannot exist costs no lookup.
 */
export function isWellFormedApiKey(key: string): boolean {
  return WELL_FORMED_API_KEY.test(key);
}

export interface CreatedApiKey {
  /** The only time the key is visible; it is stored hashed. */
  key: string;
  doc: ApiKeyDoc;
}

export function createApiKeyRepository({ apiKeys }: Collections) {
  return {
    async create(input: { accountId: ObjectId; name: string; scopes: ApiKeyScope[] }): Promise<CreatedApiKey> {
      const key = generateApiKey();
      const doc: ApiKeyDoc = {
        _id: new ObjectId(),
        accountId: input.accountId,
        keyHash: hashApiKey(key),
        displayPrefix: key.slice(0, API_KEY_PREFIX.length + 4),
        name: input.name,
        scopes: input.scopes,
        createdAt: new Date(),
      };
      await apiKeys.insertOne(doc);
      return { key, doc };
    },

    /** The active key with this plaintext, or null. */
    async findActiveByKey(key: string): Promise<ApiKeyDoc | null> {
      return this.findActiveByHash(hashApiKey(key));
    },

    /** The active key whose SHA-256 is `keyHash`, or null. */
    async findActiveByHash(keyHash: string): Promise<ApiKeyDoc | null> {
      const doc = await apiKeys.findOne({ keyHash });
      return doc && !doc.revokedAt ? doc : null;
    },

    /** The account's keys, oldest first, revoked ones included; never their hashes. */
    async listByAccount(accountId: ObjectId): Promise<Omit<ApiKeyDoc, "keyHash">[]> {
      return apiKeys
        .find({ accountId }, { projection: { keyHash: 0 } })
        .sort({ _id: 1 })
        .toArray();
    },

    async revoke(id: ObjectId): Promise<boolean> {
      const result = await apiKeys.updateOne(
        { _id: id, revokedAt: { $exists: false } },
        { $set: { revokedAt: new Date() } },
      );
      return result.modifiedCount === 1;
    },
  };
}

export type ApiKeyRepository = ReturnType<typeof createApiKeyRepository>;
