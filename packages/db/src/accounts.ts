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

    async exists(id: ObjectId): Promise<boolean> {
      return (await accounts.countDocuments({ _id: id }, { limit: 1 })) > 0;
    },
  };
}

export type AccountRepository = ReturnType<typeof createAccountRepository>;
