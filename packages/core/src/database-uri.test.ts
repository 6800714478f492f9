import { describe, expect, it } from "vitest";
import { MONGODB_URI_REQUIRED, workerDatabaseUri } from "./database-uri.ts";

describe("workerDatabaseUri", () => {
  const embedded = async () => "mongodb://127.0.0.1:4000/embedded";

  it("takes MONGODB_URI when it is set, in production too, without looking for an embedded database", async () => {
    const lookedUp: string[] = [];
    const find = async () => (lookedUp.push("looked"), undefined);
    expect(await workerDatabaseUri({ MONGODB_URI: "mongodb://db/x", NODE_ENV: "production" }, find)).toEqual({
      uri: "mongodb://db/x",
    });
    expect(lookedUp).toEqual([]);
  });

  it("refuses a production process without MONGODB_URI instead of using an embedded database", async () => {
    expect(await workerDatabaseUri({ NODE_ENV: "production" }, embedded)).toEqual({ refused: MONGODB_URI_REQUIRED });
  });

  it("finds the running embedded database in development", async () => {
    expect(await workerDatabaseUri({}, embedded)).toEqual({ uri: "mongodb://127.0.0.1:4000/embedded" });
    expect(await workerDatabaseUri({ MONGODB_URI: "" }, async () => undefined)).toEqual({ uri: undefined });
  });
});
