import { describe, expect, it } from "vitest";
import { signBody, verifySignature } from "./hand-off-signature.ts";

// RFC 4231, test case 2.
const SECRET = "Jefe";
const BODY = "what do ya want for nothing?";
const HMAC = "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843";

describe("hand-off signature", () => {
  it("is HMAC-SHA256 of the body, hex", async () => {
    expect(await signBody(SECRET, BODY)).toBe(HMAC);
  });

  it("verifies the header a dialer receives, and nothing else", async () => {
    expect(await verifySignature(SECRET, BODY, `sha256=${HMAC}`)).toBe(true);
    expect(await verifySignature(SECRET, `${BODY} `, `sha256=${HMAC}`)).toBe(false);
    expect(await verifySignature("other", BODY, `sha256=${HMAC}`)).toBe(false);
    for (const header of [HMAC, `sha256=${HMAC.slice(2)}`, "sha256=", "", null, undefined]) {
      expect(await verifySignature(SECRET, BODY, header)).toBe(false);
    }
  });
});
