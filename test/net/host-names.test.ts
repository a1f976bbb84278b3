import { describe, expect, it } from "vitest";
import { outboundUrlProblem } from "../../src/net/outbound-url.ts";
import { WILDCARD_DNS_DOMAINS } from "../../src/net/wildcard-dns.ts";

const strict = { allowLoopbackHttp: false };
const dev = { allowLoopbackHttp: true };

describe("outboundUrlProblem: wildcard DNS services", () => {
  const names = WILDCARD_DNS_DOMAINS.flatMap((domain) => [
    [domain, domain],
    [`files.${domain}`, domain],
    [`a.b.${domain}.`, domain],
  ]);

  it.each(names)("refuses %s (%s)", (host, domain) => {
    expect(outboundUrlProblem(`https://${host}/stock.csv`, strict)).toBe(
      `must be a public host name: ${domain} is a wildcard DNS service whose names resolve to any address, private ones included`,
    );
  });

  it("refuses them with ALLOW_LOOPBACK_HTTP too: only loopback literals are local development", () => {
    expect(outboundUrlProblem("http://127.0.0.1.nip.io:8790/", dev)).not.toBeNull();
    expect(outboundUrlProblem("https://localtest.me:8790/", dev)).toMatch(/wildcard DNS/);
  });

  it.each([
    "https://nip.io.example.com/",
    "https://mynip.io/",
    "https://notlocaltest.me/",
    "https://lvh.me.example.org/",
  ])("accepts %s, which only looks like one", (url) => {
    expect(outboundUrlProblem(url, strict)).toBeNull();
  });
});

describe("outboundUrlProblem: names that spell an internal address", () => {
  it.each([
    ["127.0.0.1.example.com", "loopback", "127.0.0.1"],
    ["files.10.0.0.5.example.com", "private", "10.0.0.5"],
    ["10-0-0-5.example.com", "private", "10.0.0.5"],
    ["files-192-168-1-20.example.com", "private", "192.168.1.20"],
    ["app-192.168.1.20.example.com", "private", "192.168.1.20"],
    ["169-254-169-254.example.com", "link-local", "169.254.169.254"],
    ["100-64-0-1.example.com", "carrier-grade NAT", "100.64.0.1"],
    ["0-0-0-0.example.com", "unspecified", "0.0.0.0"],
    ["7f000001.example.com", "loopback", "127.0.0.1"],
    ["app-0a000005.example.com", "private", "10.0.0.5"],
    ["--1.example.com", "loopback", "::1"],
    ["fe80--1.example.com", "link-local", "fe80::1"],
    ["app-fd00--1.example.com", "unique-local", "fd00::1"],
    ["--ffff-7f00-1.example.com", "loopback", "127.0.0.1"],
  ])("refuses %s (%s %s)", (host, words, address) => {
    expect(outboundUrlProblem(`https://${host}/`, strict)).toBe(
      `must be a public host name: it spells the ${words} address ${address}, which wildcard DNS services resolve it to`,
    );
  });

  it.each([
    "ec2-54-12-34-56.compute-1.amazonaws.com", // public address in a public name
    "static-93-184-216-34.example.net",
    "deadbeef.example.com", // 222.173.190.239, public
    "feedface.example.com", // 254.237.250.206: reserved, reaches nothing
    "2a01-4f8-c17-b8f--2.example.com", // public IPv6
    "api-2024-01-15.example.com",
    "v1-0-0-1.example.com",
    "xn--bcher-kva.example.com",
    "erp-10.example.com",
  ])("accepts %s", (host) => {
    expect(outboundUrlProblem(`https://${host}/`, strict)).toBeNull();
  });
});

describe("outboundUrlProblem: special-use names", () => {
  it.each(["https://router.home.arpa/", "https://files.home.arpa./"])("refuses %s", (url) => {
    expect(outboundUrlProblem(url, strict)).toBe("must be a public host name");
  });
});
