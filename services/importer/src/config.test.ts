import { describe, expect, it } from "vitest";
import { parseImporterConfig } from "./config.ts";

const MONGODB_URI = "mongodb://127.0.0.1:27017";

describe("import worker configuration", () => {
  it("fails a job after IMPORT_MAX_CLAIMS (5) claims unless told otherwise, and names a bad value", () => {
    expect(parseImporterConfig({ MONGODB_URI }).maxClaims).toBe(5);
    expect(parseImporterConfig({ MONGODB_URI, IMPORT_MAX_CLAIMS: "2" }).maxClaims).toBe(2);
    expect(() => parseImporterConfig({ MONGODB_URI, IMPORT_MAX_CLAIMS: "0" })).toThrow(/IMPORT_MAX_CLAIMS: /);
  });
});
