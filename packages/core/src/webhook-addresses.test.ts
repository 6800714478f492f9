import { describe, expect, it } from "vitest";
import { isIpAddress, isLocalhostName, refusedAddressReason } from "./webhook-addresses.ts";

describe("refusedAddressReason", () => {
  it.each([
    ["127.0.0.1", "a loopback address"],
    ["127.255.0.9", "a loopback address"],
    ["10.0.0.5", "a private address"],
    ["172.16.0.1", "a private address"],
    ["172.31.255.255", "a private address"],
    ["192.168.1.1", "a private address"],
    ["100.64.0.1", "a private (carrier-grade NAT) address"],
    ["100.127.255.254", "a private (carrier-grade NAT) address"],
    ["169.254.169.254", "a link-local or cloud metadata address"],
    ["0.0.0.0", "an unspecified address"],
    ["224.0.0.1", "a multicast address"],
    ["255.255.255.255", "a broadcast address"],
    ["::1", "a loopback address"],
    ["[::1]", "a loopback address"],
    ["0:0:0:0:0:0:0:1", "a loopback address"],
    ["::", "an unspecified address"],
    ["fc00::1", "a private (unique local) address"],
    ["fd12:3456::1", "a private (unique local) address"],
    ["fe80::1%eth0", "a link-local address"],
    ["ff02::1", "a multicast address"],
    ["::ffff:127.0.0.1", "a loopback address"],
    ["::ffff:10.0.0.5", "a private address"],
    ["::ffff:a9fe:a9fe", "a link-local or cloud metadata address"],
    ["[::ffff:192.168.0.1]", "a private address"],
    ["192.0.0.192", "a special-purpose (IETF protocol) address"],
    ["192.0.0.1", "a special-purpose (IETF protocol) address"],
    ["198.18.0.1", "a benchmarking address"],
    ["198.19.255.255", "a benchmarking address"],
    ["240.0.0.1", "a reserved address"],
    ["254.255.255.255", "a reserved address"],
    ["64:ff9b::a9fe:a9fe", "a NAT64 (IPv4-translated) address"],
    ["64:ff9b::8.8.8.8", "a NAT64 (IPv4-translated) address"],
    ["2002:c0a8:101::1", "a 6to4 (IPv4-translated) address"],
    ["fec0::1", "a private (site-local) address"],
    ["feff::1", "a private (site-local) address"],
    ["::ffff:192.0.0.192", "a special-purpose (IETF protocol) address"],
    ["::ffff:198.18.5.5", "a benchmarking address"],
    ["::ffff:240.1.2.3", "a reserved address"],
    ["2001::1", "a Teredo (IPv4-tunnelled) address"],
    ["2001:0:4136:e378:8000:63bf:3fff:fdd2", "a Teredo (IPv4-tunnelled) address"],
    ["64:ff9b:1::a00:5", "a NAT64 (IPv4-translated) address"],
    ["64:ff9b:1:ffff::8.8.8.8", "a NAT64 (IPv4-translated) address"],
    ["::ffff:0:10.0.0.5", "a SIIT (IPv4-translated) address"],
    ["::ffff:0:8.8.8.8", "a SIIT (IPv4-translated) address"],
  ])("refuses %s as %s", (address, reason) => {
    expect(refusedAddressReason(address)).toBe(reason);
  });

  it.each([
    "93.184.216.34",
    "8.8.8.8",
    "172.32.0.1",
    "172.15.255.255",
    "100.128.0.1",
    "169.255.0.1",
    "2606:4700::1111",
    "::ffff:8.8.8.8",
    "192.0.1.1",
    "192.0.2.1",
    "198.17.255.255",
    "198.20.0.1",
    "223.255.255.255",
    "64:ff9c::1",
    "2001:db8::1",
    "2001:4860:4860::8888",
    "fbff::1",
  ])("lets the public address %s through", (address) => {
    expect(refusedAddressReason(address)).toBeUndefined();
  });

  it("treats names and malformed text as not addresses", () => {
    expect(refusedAddressReason("example.com")).toBeUndefined();
    expect(isIpAddress("example.com")).toBe(false);
    expect(isIpAddress("256.1.1.1")).toBe(false);
    expect(isIpAddress("1::2::3")).toBe(false);
    expect(isIpAddress("10.0.0.5")).toBe(true);
    expect(isIpAddress("[2001:db8::1]")).toBe(true);
  });

  it("knows localhost names without a resolver", () => {
    expect(isLocalhostName("localhost")).toBe(true);
    expect(isLocalhostName("api.localhost.")).toBe(true);
    expect(isLocalhostName("localhost.example.com")).toBe(false);
  });
});
