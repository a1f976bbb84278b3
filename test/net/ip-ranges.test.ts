import { describe, expect, it } from "vitest";
import { outboundUrlProblem } from "../../src/net/outbound-url.ts";

const strict = { allowLoopbackHttp: false };
const dev = { allowLoopbackHttp: true };
const url = (address: string) => (address.includes(":") ? `https://[${address}]/` : `https://${address}/`);

/**
 * Every entry of the IANA IPv4 and IPv6 Special-Purpose Address Registries, plus what else no
 * merchant's server uses (site-local, IPv4-compatible, space outside 2000::/3): an address
 * inside each (refused, the message naming the range) and public neighbours just outside
 * (allowed, so that the ranges are not drawn wider than they are).
 */
const RANGES: { range: string; words: string; inside: string[]; outside: string[] }[] = [
  { range: "0.0.0.0/8", words: "unspecified", inside: ["0.0.0.0", "0.1.2.3"], outside: ["1.0.0.1"] },
  { range: "10.0.0.0/8", words: "private", inside: ["10.20.30.40"], outside: ["9.255.255.254", "11.0.0.1"] },
  {
    range: "100.64.0.0/10",
    words: "carrier-grade NAT",
    inside: ["100.64.0.1", "100.127.255.254"],
    outside: ["100.63.255.254", "100.128.0.1"],
  },
  {
    range: "169.254.0.0/16",
    words: "link-local",
    inside: ["169.254.169.254"],
    outside: ["169.253.255.254", "169.255.0.1"],
  },
  { range: "172.16.0.0/12", words: "private", inside: ["172.20.0.1"], outside: ["172.15.255.254", "172.32.0.1"] },
  // IETF protocol assignments, with DS-Lite, PCP and TURN anycast, NAT64 discovery inside it.
  {
    range: "192.0.0.0/24",
    words: "reserved",
    inside: ["192.0.0.1", "192.0.0.9", "192.0.0.10", "192.0.0.170"],
    outside: ["192.0.1.1"],
  },
  { range: "192.0.2.0/24", words: "reserved", inside: ["192.0.2.10"], outside: ["192.0.3.1"] },
  { range: "192.31.196.0/24", words: "as112", inside: ["192.31.196.1"], outside: ["192.31.195.1", "192.31.197.1"] },
  { range: "192.52.193.0/24", words: "amt", inside: ["192.52.193.1"], outside: ["192.52.192.1", "192.52.194.1"] },
  { range: "192.88.99.0/24", words: "reserved", inside: ["192.88.99.1"], outside: ["192.88.98.1", "192.88.100.1"] },
  { range: "192.168.0.0/16", words: "private", inside: ["192.168.1.1"], outside: ["192.167.255.254", "192.169.0.1"] },
  { range: "192.175.48.0/24", words: "as112", inside: ["192.175.48.1"], outside: ["192.175.47.1", "192.175.49.1"] },
  {
    range: "198.18.0.0/15",
    words: "reserved",
    inside: ["198.18.0.1", "198.19.255.254"],
    outside: ["198.17.255.254", "198.20.0.1"],
  },
  { range: "198.51.100.0/24", words: "reserved", inside: ["198.51.100.7"], outside: ["198.51.99.1", "198.51.101.1"] },
  { range: "203.0.113.0/24", words: "reserved", inside: ["203.0.113.9"], outside: ["203.0.112.1", "203.0.114.1"] },
  { range: "224.0.0.0/4", words: "multicast", inside: ["224.0.0.1", "239.255.255.250"], outside: ["223.255.255.254"] },
  { range: "240.0.0.0/4", words: "reserved", inside: ["240.0.0.1", "250.1.2.3"], outside: [] },
  { range: "255.255.255.255/32", words: "broadcast", inside: ["255.255.255.255"], outside: [] },

  { range: "::/128", words: "unspecified", inside: ["::"], outside: [] },
  { range: "::ffff:0:0/96", words: "IPv4-mapped", inside: ["::ffff:10.0.0.1", "::ffff:8.8.8.8"], outside: [] },
  { range: "::/96 (IPv4-compatible)", words: "IPv4-compatible", inside: ["::10.0.0.1", "::8.8.8.8"], outside: [] },
  { range: "64:ff9b::/96", words: "NAT64", inside: ["64:ff9b::a00:1", "64:ff9b::808:808"], outside: [] },
  { range: "64:ff9b:1::/48", words: "NAT64", inside: ["64:ff9b:1::1"], outside: [] },
  { range: "100::/64", words: "discard", inside: ["100::1"], outside: [] },
  { range: "100:0:0:1::/64", words: "dummy", inside: ["100:0:0:1::1"], outside: [] },
  {
    range: "2001::/23",
    words: "reserved",
    inside: ["2001:1::1", "2001:1::2", "2001:1::3", "2001:5::1"],
    outside: ["2001:200::1"],
  },
  { range: "2001::/32", words: "Teredo", inside: ["2001:0:4136:e378:8000:63bf:3fff:fdd2"], outside: [] },
  { range: "2001:2::/48", words: "benchmarking", inside: ["2001:2::1"], outside: [] },
  { range: "2001:3::/32", words: "amt", inside: ["2001:3::1"], outside: [] },
  { range: "2001:4:112::/48", words: "as112v6", inside: ["2001:4:112::1"], outside: [] },
  { range: "2001:10::/28", words: "ORCHID", inside: ["2001:10::1"], outside: [] },
  { range: "2001:20::/28", words: "ORCHIDv2", inside: ["2001:20::1"], outside: [] },
  { range: "2001:30::/28", words: "drone remote ID", inside: ["2001:30::1"], outside: [] },
  { range: "2001:db8::/32", words: "reserved", inside: ["2001:db8::1"], outside: ["2001:db9::1"] },
  { range: "2002::/16", words: "6to4", inside: ["2002:c0a8:101::1", "2002:808:808::1"], outside: ["2003::1"] },
  { range: "2620:4f:8000::/48", words: "as112v6", inside: ["2620:4f:8000::1"], outside: ["2620:4f:8001::1"] },
  { range: "3fff::/20", words: "reserved", inside: ["3fff::1"], outside: ["3fff:1000::1"] },
  { range: "5f00::/16", words: "segment routing", inside: ["5f00::1"], outside: [] },
  { range: "fc00::/7", words: "unique-local", inside: ["fc00::1", "fd12:3456::1"], outside: [] },
  { range: "fe80::/10", words: "link-local", inside: ["fe80::1", "febf::1"], outside: [] },
  { range: "fec0::/10", words: "site-local", inside: ["fec0::1", "feff::1"], outside: [] },
  { range: "ff00::/8", words: "multicast", inside: ["ff02::1"], outside: [] },
  {
    range: "outside 2000::/3",
    words: "reserved",
    inside: ["4000::1", "e000::1"],
    outside: ["2606:4700::1111", "3ffe::1"],
  },
];

describe("outboundUrlProblem: every IANA special-purpose range", () => {
  const insides = RANGES.flatMap(({ range, words, inside }) => inside.map((a) => [a, range, words] as const));
  const outsides = RANGES.flatMap(({ range, outside }) => outside.map((a) => [a, range] as const));

  it.each(insides)("refuses %s (inside %s), naming its range", (address, _, words) => {
    const problem = outboundUrlProblem(url(address), strict);
    expect(problem).toMatch(/^must not point at a private, link-local or reserved address \(/);
    expect(problem).toMatch(new RegExp(` is ${words.replace(/[()]/g, "\\$&")}\\)$`));
    expect(outboundUrlProblem(url(address), dev), "the loopback flag admits loopback only").toBe(problem);
  });

  it.each(outsides)("accepts %s, a public neighbour of %s", (address) => {
    expect(outboundUrlProblem(url(address), strict)).toBeNull();
  });

  it("keeps loopback apart: refused, or allowed over http with ALLOW_LOOPBACK_HTTP", () => {
    for (const address of ["127.0.0.1", "127.255.255.254", "::1"]) {
      expect(outboundUrlProblem(url(address), strict)).toBe("must not point at this machine (loopback)");
      expect(outboundUrlProblem(url(address).replace("https:", "http:"), dev)).toBeNull();
    }
    expect(outboundUrlProblem("https://128.0.0.1/", strict)).toBeNull();
    expect(outboundUrlProblem("https://126.255.255.254/", strict)).toBeNull();
  });
});
