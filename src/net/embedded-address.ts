import ipaddr from "ipaddr.js";
import { internalRange, unmapped } from "./ip-ranges.ts";

/**
 * An internal address that a host name spells out, in the notations wildcard-DNS services read:
 *
 *   dotted   127.0.0.1.example.com, app.10.0.0.1.example.com
 *   dashed   127-0-0-1.example.com, app-10-0-0-1.example.com (or mixed, 10-0.0-1)
 *   hex      7f000001.example.com, app-7f000001.example.com (eight hex digits ending a label)
 *   IPv6     --1.example.com (::1), fe80--1.example.com, app-fd00--1.example.com
 *            (one label, `-` for `:`, as sslip.io writes them)
 *
 * Only internal addresses count (loopback, private, link-local, CGNAT, unique-local; see
 * `internalRange`): public names that carry their own public address, as some clouds name
 * their hosts (`ec2-203-0-113-25.compute-1.amazonaws.com`), stay usable. Returns the first such
 * address and its range, or null.
 */
export function embeddedInternalAddress(host: string): { address: string; range: string } | null {
  for (const spelled of candidates(host)) {
    const candidate = unmapped(spelled);
    const range = internalRange(candidate);
    if (range) return { address: candidate.toString(), range };
  }
  return null;
}

function* candidates(host: string): Generator<ipaddr.IPv4 | ipaddr.IPv6> {
  // Four decimal parts in a row, separated by dots or dashes, anywhere in the name.
  const parts = host.split(/[.-]/);
  for (let i = 0; i + 4 <= parts.length; i++) {
    const quad = parts.slice(i, i + 4);
    if (quad.every((p) => /^\d{1,3}$/.test(p) && Number(p) <= 255)) yield new ipaddr.IPv4(quad.map(Number));
  }
  for (const label of host.split(".")) {
    const hex = /(?:^|-)([0-9a-f]{8})$/.exec(label)?.[1];
    if (hex) {
      const n = Number.parseInt(hex, 16);
      yield new ipaddr.IPv4([n >>> 24, (n >>> 16) & 0xff, (n >>> 8) & 0xff, n & 0xff]);
    }
    // IPv6 with dashes: the whole label, or what follows any dash in it (a prefix such as `app-`).
    for (let start = 0; start >= 0 && start < label.length; ) {
      const text = label.slice(start).replaceAll("-", ":");
      if (text.includes(":") && ipaddr.IPv6.isValid(text)) {
        yield ipaddr.IPv6.parse(text);
        break;
      }
      const dash = label.indexOf("-", start);
      start = dash < 0 ? -1 : dash + 1;
    }
  }
}
