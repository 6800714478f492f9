import { ObjectId } from "mongodb";
import type { Collections } from "./collections.ts";
import type { AccountDoc } from "./documents.ts";

export function createAccountRepository({ accounts }: Collections) {
  return {
    async create(input: { name: string }): Promise<AccountDoc> {
      const doc: AccountDoc = { _id: new ObjectId(), name: input.name, createdAt: new Date() };
      await accounts.insertOne(doc);
      return doc;
    },
  };
}

export type AccountRepository = ReturnType<typeof createAccountRepository>;
