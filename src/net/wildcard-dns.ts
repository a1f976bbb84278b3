/**
 * Public DNS services that answer any name under them with an address of the asker's choosing
 * (`10.0.0.1.nip.io` → 10.0.0.1, `7f000001.nip.io` → 127.0.0.1), always with loopback
 * (`anything.localtest.me` → 127.0.0.1), or with addresses that change between two lookups
 * (DNS rebinding services). None of them serves a merchant's ERP or file host; all of them turn
 * the gateway's name-based policy into a way to reach a private address. A URL on one of these
 * domains, or any name below one, is refused.
 *
 * The list cannot be complete — anyone can publish such a zone — so names that spell a private
 * address are refused as well, whatever their domain (see `embedded-address.ts`). Tunnel
 * services (ngrok, localhost.run, Cloudflare Tunnel) are not listed: they resolve to the tunnel
 * operator's public servers, which is a legitimate way to expose an ERP.
 */
export const WILDCARD_DNS_DOMAINS: readonly string[] = [
  // Names that spell an address (dotted, dashed, hex, IPv6 with dashes).
  "nip.io",
  "sslip.io",
  "xip.io",
  "traefik.me",
  // Every name resolves to 127.0.0.1.
  "localtest.me",
  "lvh.me",
  "vcap.me",
  "lacolhost.com",
  "fuf.me",
  "localhost.direct",
  // DNS rebinding test services: the answer alternates between two chosen addresses.
  "1u.ms",
  "rbndr.us",
];

/** The wildcard-DNS domain `host` belongs to (itself or as a subdomain), or undefined. */
export function wildcardDnsDomain(host: string): string | undefined {
  return WILDCARD_DNS_DOMAINS.find((domain) => host === domain || host.endsWith(`.${domain}`));
}
