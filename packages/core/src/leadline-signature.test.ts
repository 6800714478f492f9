import { describe, expect, it } from "vitest";
import { hmacSha256Hex, signPayload, verifyPayload } from "./leadline-signature.ts";

// RFC 4231, test case 2.
const SECRET = "Jefe";
const BODY = "what do ya want for nothing?";
const HMAC = "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843";
const T = 1_767_225_600;

describe("Leadline-Signature", () => {
  it("is HMAC-SHA256, hex, of the timestamp, a dot and the body", async () => {
    expect(await hmacSha256Hex(SECRET, BODY)).toBe(HMAC);
    expect(await signPayload(SECRET, BODY, T)).toBe(`t=${T},v1=${await hmacSha256Hex(SECRET, `${T}.${BODY}`)}`);
  });

  it("verifies a fresh signature of the exact body under the right secret, and nothing else", async () => {
    const header = await signPayload(SECRET, BODY, T);
    const at = { nowSeconds: T + 10 };
    expect(await verifyPayload(SECRET, BODY, header, at)).toBe(true);
    expect(await verifyPayload(SECRET, `${BODY} `, header, at)).toBe(false);
    expect(await verifyPayload("Jefe2", BODY, header, at)).toBe(false);
    // The timestamp is signed: moving it breaks the signature.
    expect(await verifyPayload(SECRET, BODY, header.replace(`t=${T}`, `t=${T + 1}`), at)).toBe(false);
    for (const bad of [`sha256=${HMAC}`, HMAC, `t=${T}`, `v1=${header.split("v1=")[1]}`, "", null, undefined]) {
      expect(await verifyPayload(SECRET, BODY, bad, at)).toBe(false);
    }
  });

  it("refuses a timestamp outside the tolerance window, either way", async () => {
    const header = await signPayload(SECRET, BODY, T);
    expect(await verifyPayload(SECRET, BODY, header, { nowSeconds: T + 300 })).toBe(true);
    expect(await verifyPayload(SECRET, BODY, header, { nowSeconds: T + 301 })).toBe(false);
    expect(await verifyPayload(SECRET, BODY, header, { nowSeconds: T - 301 })).toBe(false);
    expect(await verifyPayload(SECRET, BODY, header, { nowSeconds: T + 3_600, toleranceSeconds: 3_600 })).toBe(true);
  });

  it("accepts any of several v1 values, as while a secret is rotated", async () => {
    const header = await signPayload(SECRET, BODY, T);
    const other = (await signPayload("old-secret", BODY, T)).split(",")[1];
    expect(
      await verifyPayload(SECRET, BODY, `${header.split(",")[0]},${other},${header.split(",")[1]}`, { nowSeconds: T }),
    ).toBe(true);
  });
});
