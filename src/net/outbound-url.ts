/**
 * The SSRF policy for every URL the gateway will call on a user's behalf (connector endpoints,
 * later webhook subscriptions). Checked when the URL is saved and again before each call.
 *
 * - https only; plain http only to loopback, and only when ALLOW_LOOPBACK_HTTP is on (local dev)
 * - no user:password@ in the URL (credentials belong in the encrypted credentials)
 * - no IP literal in private, loopback, link-local (cloud metadata), CGNAT, multicast or
 *   reserved ranges, and no `localhost` / `*.internal` names
 *
 * The WHATWG URL parser has already normalised odd IPv4 spellings (`0x7f.1`, `2130706433`)
 * to dotted quads, so the range checks see the real address.
 */
export interface OutboundPolicy {
  allowLoopbackHttp: boolean;
}

/** Returns what is wrong with `raw` as an outbound URL, or null when it may be called. */
export function outboundUrlProblem(raw: string, policy: OutboundPolicy): string | null {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return "is not a valid absolute URL";
  }
  if (url.username || url.password) return "must not contain a user name or password; put them in the credentials";
  // A trailing dot names the same host (`localhost.` is localhost): drop it before comparing.
  const host = url.hostname
    .toLowerCase()
    .replace(/^\[|\]$/g, "")
    .replace(/\.$/, "");
  const loopback = isLoopback(host);
  if (loopback) {
    if (policy.allowLoopbackHttp && (url.protocol === "http:" || url.protocol === "https:")) return null;
    return "must not point at this machine (loopback)";
  }
  if (url.protocol !== "https:") return "must use https";
  if (host.endsWith(".localhost") || host.endsWith(".internal") || host.endsWith(".local")) {
    return "must be a public host name";
  }
  if (isIPv4(host) && privateIPv4(host)) return "must not point at a private, link-local or reserved address";
  if (host.includes(":") && privateIPv6(host)) return "must not point at a private, link-local or reserved address";
  return null;
}

function isLoopback(host: string): boolean {
  return host === "localhost" || host === "::1" || (isIPv4(host) && host.startsWith("127."));
}

function isIPv4(host: string): boolean {
  return /^\d{1,3}(\.\d{1,3}){3}$/.test(host);
}

function privateIPv4(host: string): boolean {
  const [a = 0, b = 0, c = 0] = host.split(".").map(Number);
  return (
    a === 0 || // "this" network
    a === 10 ||
    a === 127 ||
    (a === 100 && b >= 64 && b <= 127) || // CGNAT
    (a === 169 && b === 254) || // link-local, incl. 169.254.169.254 metadata
    (a === 172 && b >= 16 && b <= 31) ||
    (a === 192 && b === 168) ||
    (a === 192 && b === 0 && (c === 0 || c === 2)) || // IETF protocol assignments, TEST-NET-1
    (a === 198 && b === 51 && c === 100) || // TEST-NET-2
    (a === 203 && b === 0 && c === 113) || // TEST-NET-3
    (a === 198 && (b === 18 || b === 19)) || // benchmarking
    a >= 224 // multicast, reserved, broadcast
  );
}

function privateIPv6(host: string): boolean {
  const first = Number.parseInt(host.split(":")[0] || "0", 16);
  return (
    // ::/8 holds ::, ::1, IPv4-mapped (::ffff:…), IPv4-compatible (::a.b.c.d, which the URL
    // parser writes as ::7f00:1) and NAT64 (64:ff9b::) addresses; no public host lives there.
    first <= 0xff ||
    (first & 0xfe00) === 0xfc00 || // unique local fc00::/7
    (first & 0xffc0) === 0xfe80 || // link-local fe80::/10
    (first & 0xff00) === 0xff00 || // multicast
    first === 0x2002 || // 6to4 embeds an IPv4 address, private ones included
    host.startsWith("2001:db8:") // documentation
  );
}
