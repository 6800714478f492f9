import { describe, expect, it } from "vitest";
import { MongoServerError } from "mongodb";
import { translateDatabaseError } from "./database-errors.ts";

describe("translateDatabaseError", () => {
  it("makes the EPIPE the driver passes through from a socket ended by the database a 503", () => {
    const epipe = Object.assign(new Error("This socket has been ended by the other party"), { code: "EPIPE" });
    const wrapped = new Error("request failed", { cause: epipe });
    expect(translateDatabaseError(wrapped)?.code).toBe("SERVICE_UNAVAILABLE");
  });

  it("leaves other errors alone", () => {
    expect(translateDatabaseError(new Error("boom"))).toBeUndefined();
    expect(translateDatabaseError(new MongoServerError({ message: "bad", code: 2 }))).toBeUndefined();
  });
});
