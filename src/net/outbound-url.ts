import { embeddedInternalAddress } from "./embedded-address.ts";
import { isLoopbackAddress, parseAddress, rangeWords, specialRange } from "./ip-ranges.ts";
import { wildcardDnsDomain } from "./wildcard-dns.ts";

/**
 * The SSRF policy for every URL the gateway will call on a user's behalf (connector endpoints,
 * later webhook subscriptions). Checked when the URL is saved and again before each call and
 * each redirect hop (src/net/guarded-fetch.ts).
 *
 * - https only; plain http only to loopback, and only when ALLOW_LOOPBACK_HTTP is on (local dev)
 * - no user:password@ in the URL (credentials belong in the encrypted credentials)
 * - an IP literal must be public unicast: every IANA special-purpose range is refused
 *   (src/net/ip-ranges.ts, from ipaddr.js)
 * - no `localhost` / `*.localhost` / `*.internal` / `*.local` / `*.home.arpa` names, no names
 *   of wildcard-DNS services (src/net/wildcard-dns.ts), and no names that spell an internal
 *   address (`10-0-0-1.example.com`; src/net/embedded-address.ts)
 *
 * Names are not resolved: the Workers runtime resolves them itself when it connects, so a check
 * of our own lookup could be answered differently a moment later (DNS rebinding). What a name
 * resolves to is left to the runtime; what it says is checked here.
 *
 * The WHATWG URL parser has already normalised odd IPv4 spellings (`0x7f.1`, `2130706433`)
 * to dotted quads and IPv6 to its compressed form, so the range checks see the real address.
 */
export interface OutboundPolicy {
  allowLoopbackHttp: boolean;
}

const SPECIAL_USE_SUFFIXES = [".localhost", ".internal", ".local", ".home.arpa"];

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
  const address = parseAddress(host);
  if (host === "localhost" || (address && isLoopbackAddress(address))) {
    if (policy.allowLoopbackHttp && (url.protocol === "http:" || url.protocol === "https:")) return null;
    return "must not point at this machine (loopback)";
  }
  if (url.protocol !== "https:") return "must use https";
  if (address) {
    const range = specialRange(address);
    return range
      ? `must not point at a private, link-local or reserved address (${address} is ${rangeWords(range)})`
      : null;
  }
  if (SPECIAL_USE_SUFFIXES.some((suffix) => host.endsWith(suffix))) return "must be a public host name";
  const wildcard = wildcardDnsDomain(host);
  if (wildcard) {
    return `must be a public host name: ${wildcard} is a wildcard DNS service whose names resolve to any address, private ones included`;
  }
  const embedded = embeddedInternalAddress(host);
  if (embedded) {
    return `must be a public host name: it spells the ${rangeWords(embedded.range)} address ${embedded.address}, which wildcard DNS services resolve it to`;
  }
  return null;
}
