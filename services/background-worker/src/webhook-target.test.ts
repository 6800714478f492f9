import { describe, expect, it } from "vitest";
import { checkTarget } from "./webhook-target.ts";

const resolvingTo = (addresses: string[]) => async () => addresses;
/** An attempt with time to spare. */
const open = new AbortController().signal;

describe("checkTarget", () => {
  it("refuses a name when any of its addresses is private, telling the tenant neither (the log gets both)", async () => {
    const check = await checkTarget(
      new URL("https://hooks.example.com/x"),
      resolvingTo(["93.184.216.34", "10.1.2.3"]),
      false,
      open,
    );
    expect(check).toEqual({
      allowed: false,
      permanent: true,
      error: "refused: the host resolves to a non-public address",
      detail: "refused: hooks.example.com (10.1.2.3) is a private address; set WEBHOOK_ALLOW_PRIVATE=true to allow",
    });
  });

  it("checks an IP literal without resolving it, IPv6 in brackets included", async () => {
    const never = () => Promise.reject(new Error("must not resolve"));
    expect(await checkTarget(new URL("http://[::ffff:169.254.169.254]/"), never, false, open)).toMatchObject({
      allowed: false,
      permanent: true,
      error: expect.stringContaining("is a link-local or cloud metadata address"),
    });
    expect(await checkTarget(new URL("https://93.184.216.34/"), never, false, open)).toEqual({ allowed: true });
  });

  it("lets public names through, and everything with WEBHOOK_ALLOW_PRIVATE", async () => {
    expect(
      await checkTarget(new URL("https://hooks.example.com/"), resolvingTo(["2606:4700::1111"]), false, open),
    ).toEqual({
      allowed: true,
    });
    expect(await checkTarget(new URL("http://10.0.0.5/"), resolvingTo([]), true, open)).toEqual({ allowed: true });
  });

  it("treats a name that does not resolve as a failure worth retrying, the resolver's words for the log only", async () => {
    const check = await checkTarget(
      new URL("https://gone.example.com/"),
      () => Promise.reject(new Error("getaddrinfo ENOTFOUND gone.example.com")),
      false,
      open,
    );
    expect(check).toEqual({
      allowed: false,
      permanent: false,
      error: "could not resolve gone.example.com",
      detail: "getaddrinfo ENOTFOUND gone.example.com",
    });
  });

  it("gives up on a resolver that never answers when the attempt's signal ends, and tells the resolver", async () => {
    let resolverSignal: AbortSignal | undefined;
    const hangs = (_host: string, signal: AbortSignal) => {
      resolverSignal = signal;
      return new Promise<string[]>(() => undefined);
    };
    const check = await checkTarget(new URL("https://stalls.example.com/"), hangs, false, AbortSignal.timeout(50));
    expect(check).toMatchObject({ allowed: false, permanent: false, error: "could not resolve stalls.example.com" });
    expect(resolverSignal?.aborted).toBe(true);
  });
});
