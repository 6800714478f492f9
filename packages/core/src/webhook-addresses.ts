/**
 * Which webhook targets are refused unless `WEBHOOK_ALLOW_PRIVATE=true`:
 * addresses that reach the service's own machine or network rather than the
 * public internet (SSRF). Pure and runtime-neutral; resolving a host name is
 * the caller's job.
 */

/** The four bytes of a dotted IPv4 address, or undefined when `text` is not one. */
function ipv4Bytes(text: string): number[] | undefined {
  const parts = text.split(".");
  if (parts.length !== 4) return undefined;
  const bytes = parts.map((part) => (/^\d{1,3}$/.test(part) ? Number(part) : NaN));
  return bytes.every((byte) => Number.isInteger(byte) && byte <= 255) ? bytes : undefined;
}

/** The eight 16-bit groups of an IPv6 address (an embedded IPv4 tail included), or undefined. */
function ipv6Groups(text: string): number[] | undefined {
  let address = text.toLowerCase();
  const zone = address.indexOf("%");
  if (zone !== -1) address = address.slice(0, zone);
  if (!address.includes(":")) return undefined;
  let tail: number[] = [];
  const lastColon = address.lastIndexOf(":");
  const v4 = ipv4Bytes(address.slice(lastColon + 1));
  if (v4) {
    tail = [(v4[0]! << 8) | v4[1]!, (v4[2]! << 8) | v4[3]!];
    address = `${address.slice(0, lastColon + 1)}0:0`;
  }
  const halves = address.split("::");
  if (halves.length > 2) return undefined;
  const parse = (part: string) => (part === "" ? [] : part.split(":"));
  const head = parse(halves[0]!);
  const rest = halves.length === 2 ? parse(halves[1]!) : [];
  const missing = 8 - head.length - rest.length;
  if (halves.length === 2 ? missing < 1 : missing !== 0) return undefined;
  const words = [...head, ...Array<string>(halves.length === 2 ? missing : 0).fill("0"), ...rest];
  const groups = words.map((word) => (/^[0-9a-f]{1,4}$/.test(word) ? parseInt(word, 16) : NaN));
  if (groups.some(Number.isNaN)) return undefined;
  if (tail.length === 2) groups.splice(6, 2, ...tail);
  return groups;
}

function classifyIpv4([a, b, c]: number[]): string | undefined {
  if (a === 127) return "a loopback address";
  if (a === 0) return "an unspecified address";
  if (a === 10 || (a === 172 && b! >= 16 && b! <= 31) || (a === 192 && b === 168)) return "a private address";
  if (a === 100 && b! >= 64 && b! <= 127) return "a private (carrier-grade NAT) address";
  if (a === 169 && b === 254) return "a link-local or cloud metadata address";
  // IETF protocol assignments (192.0.0.0/24, 192.0.0.192 among them: some clouds' metadata service).
  if (a === 192 && b === 0 && c === 0) return "a special-purpose (IETF protocol) address";
  if (a === 198 && (b === 18 || b === 19)) return "a benchmarking address";
  if (a! >= 224 && a! <= 239) return "a multicast address";
  // 240.0.0.0/4 is reserved, 255.255.255.255 (the broadcast address) included.
  if (a! >= 240) return a === 255 && b === 255 ? "a broadcast address" : "a reserved address";
  return undefined;
}

/** The IPv4 address carried in two 16-bit groups. */
const embeddedIpv4 = (high: number, low: number): number[] => [high >> 8, high & 0xff, low >> 8, low & 0xff];

/**
 * Why `address` (an IPv4 or IPv6 literal, brackets allowed) may not be a
 * webhook target, or undefined when it is a public address. Text that is not
 * an IP address answers undefined too: see {@link isIpAddress}.
 *
 * @example
 * refusedAddressReason("169.254.169.254") // "a link-local or cloud metadata address"
 * refusedAddressReason("::ffff:10.0.0.5") // "a private address"
 * refusedAddressReason("93.184.216.34")   // undefined
 */
export function refusedAddressReason(address: string): string | undefined {
  const bare = address.replace(/^\[|\]$/g, "");
  const v4 = ipv4Bytes(bare);
  if (v4) return classifyIpv4(v4);
  const groups = ipv6Groups(bare);
  if (!groups) return undefined;
  const [first] = groups as [number];
  const allZeroBefore = (count: number) => groups.slice(0, count).every((group) => group === 0);
  if (allZeroBefore(7) && groups[7] === 1) return "a loopback address";
  if (allZeroBefore(8)) return "an unspecified address";
  // IPv4-mapped (::ffff:a.b.c.d) and the deprecated IPv4-compatible form (::a.b.c.d) reach the IPv4 address.
  if (allZeroBefore(5) && (groups[5] === 0xffff || groups[5] === 0))
    return classifyIpv4(embeddedIpv4(groups[6]!, groups[7]!));
  // NAT64 (64:ff9b::/96) and 6to4 (2002::/16) are translated to an IPv4 address by a gateway that may sit inside the
  // network: refused whatever the embedded address, since the gateway decides where it leads.
  if (first === 0x64 && groups[1] === 0xff9b && groups.slice(2, 6).every((group) => group === 0)) {
    return "a NAT64 (IPv4-translated) address";
  }
  // Local-use NAT64 (64:ff9b:1::/48, RFC 8215): the network's own translator, whatever the embedded address.
  if (first === 0x64 && groups[1] === 0xff9b && groups[2] === 1) return "a NAT64 (IPv4-translated) address";
  // SIIT's IPv4-translated form (::ffff:0:a.b.c.d, RFC 2765): a translator inside the network decides where it leads.
  if (allZeroBefore(4) && groups[4] === 0xffff && groups[5] === 0) return "a SIIT (IPv4-translated) address";
  if (first === 0x2002) return "a 6to4 (IPv4-translated) address";
  // Teredo (2001::/32, RFC 4380): tunnelled to an IPv4 address through a relay; 2001:db8::/32 and the rest of 2001::/16 are not.
  if (first === 0x2001 && groups[1] === 0) return "a Teredo (IPv4-tunnelled) address";
  if ((first & 0xfe00) === 0xfc00) return "a private (unique local) address";
  if ((first & 0xffc0) === 0xfe80) return "a link-local address";
  if ((first & 0xffc0) === 0xfec0) return "a private (site-local) address";
  if ((first & 0xff00) === 0xff00) return "a multicast address";
  return undefined;
}

/** True when `host` (a URL's hostname, brackets allowed) is an IP address rather than a name. */
export function isIpAddress(host: string): boolean {
  const bare = host.replace(/^\[|\]$/g, "");
  return ipv4Bytes(bare) !== undefined || ipv6Groups(bare) !== undefined;
}

/**
 * Host names that mean this machine by definition (RFC 6761), refused like
 * 127.0.0.1 without asking a resolver: Deno's resolver asks DNS servers and
 * never reads /etc/hosts.
 */
export function isLocalhostName(host: string): boolean {
  const name = host.toLowerCase().replace(/\.$/, "");
  return name === "localhost" || name.endsWith(".localhost");
}

/** The caller-facing error for a refused target. */
export const refusedTargetMessage = (address: string, reason: string): string =>
  `refused: ${address} is ${reason}; set WEBHOOK_ALLOW_PRIVATE=true to allow`;
