import ipaddr from "ipaddr.js";

/**
 * Which addresses the gateway may call: public unicast only. The IANA special-purpose registries
 * (IPv4 and IPv6) come from ipaddr.js, whose `range()` names the range an address is in and says
 * "unicast" only outside all of them; the few entries it does not know are added below, with
 * everything outside 2000::/3, the only IPv6 block IANA allocates for global unicast.
 *
 * Every range is refused, including those IANA marks "globally reachable" (6to4 relay anycast
 * 192.88.99.0/24, AS112, AMT, TURN/PCP anycast): no merchant's ERP or file host lives there,
 * and the transition ranges (IPv4-mapped, NAT64, 6to4, Teredo) embed an IPv4 address — private
 * ones included — that the range check would otherwise never see.
 */
const EXTRA_IPV6: [string, string][] = [
  // RFC 9780 dummy prefix; ipaddr.js 2.5 does not list it yet.
  ["100:0:0:1::/64", "dummy"],
  // IPv4-compatible addresses (::a.b.c.d, deprecated by RFC 4291): the URL parser writes
  // ::127.0.0.1 as ::7f00:1, which ipaddr.js calls unicast. Also outside 2000::/3; named here
  // so that the refusal says what it is.
  ["::/96", "ipv4Compatible"],
];

const extraIPv6 = EXTRA_IPV6.map(([cidr, name]) => [ipaddr.IPv6.parseCIDR(cidr), name] as const);
const globalUnicast = ipaddr.IPv6.parseCIDR("2000::/3");

/** An IP literal as the WHATWG URL parser leaves a host: a dotted quad, or IPv6 without brackets. */
export function parseAddress(host: string): ipaddr.IPv4 | ipaddr.IPv6 | null {
  if (ipaddr.IPv4.isValidFourPartDecimal(host)) return ipaddr.IPv4.parse(host);
  if (host.includes(":") && ipaddr.IPv6.isValid(host)) return ipaddr.IPv6.parse(host);
  return null;
}

/**
 * The special-purpose range `address` is in ("loopback", "private", "teredo", ...), or null
 * when it is public unicast and may be called.
 */
export function specialRange(address: ipaddr.IPv4 | ipaddr.IPv6): string | null {
  if (address.kind() === "ipv4") {
    const range = address.range();
    return range === "unicast" ? null : range;
  }
  const v6 = address as ipaddr.IPv6;
  const range = v6.range();
  if (range !== "unicast") return range;
  for (const [subnet, name] of extraIPv6) if (v6.match(subnet)) return name;
  return v6.match(globalUnicast) ? null : "reserved";
}

/**
 * The ranges inside a network that a forged name could reach: this machine, private networks,
 * link-local (cloud metadata at 169.254.169.254), CGNAT, unique-local. A name that spells one
 * of these is refused (see `embedded-address.ts`); one that spells a multicast or documentation
 * address reaches nothing and is more likely an accident of naming (`feedface.example.com`).
 */
const INTERNAL = new Set([
  "unspecified",
  "loopback",
  "private",
  "linkLocal",
  "carrierGradeNat",
  "uniqueLocal",
  "deprecatedSiteLocal",
  "ipv4Compatible",
]);

/** An IPv4-mapped IPv6 address as the IPv4 address it carries; any other address as it is. */
export function unmapped(address: ipaddr.IPv4 | ipaddr.IPv6): ipaddr.IPv4 | ipaddr.IPv6 {
  const v6 = address.kind() === "ipv6" ? (address as ipaddr.IPv6) : null;
  return v6?.isIPv4MappedAddress() ? v6.toIPv4Address() : address;
}

/** The internal range `address` is in, or null. */
export function internalRange(address: ipaddr.IPv4 | ipaddr.IPv6): string | null {
  const range = specialRange(address);
  return range && INTERNAL.has(range) ? range : null;
}

/** Whether `address` is a loopback address (127.0.0.0/8, ::1), which local development may call. */
export const isLoopbackAddress = (address: ipaddr.IPv4 | ipaddr.IPv6): boolean => address.range() === "loopback";

const RANGE_WORDS: Record<string, string> = {
  linkLocal: "link-local",
  carrierGradeNat: "carrier-grade NAT",
  uniqueLocal: "unique-local",
  deprecatedSiteLocal: "site-local",
  ipv4Mapped: "IPv4-mapped",
  ipv4Compatible: "IPv4-compatible",
  rfc6145: "IPv4-translated",
  rfc6052: "NAT64",
  teredo: "Teredo",
  orchid2: "ORCHIDv2",
  deprecatedOrchid: "ORCHID",
  droneRemoteIdProtocolEntityTags: "drone remote ID",
  segmentRouting: "segment routing",
};

/** A range name as words for a message: "link-local", "Teredo", "6to4", "private". */
export const rangeWords = (range: string): string => RANGE_WORDS[range] ?? range;
