import { describe, expect, it } from "vitest";
import { outboundUrlProblem } from "../../src/net/outbound-url.ts";

const strict = { allowLoopbackHttp: false };
const dev = { allowLoopbackHttp: true };

const PRIVATE = /private, link-local or reserved/;
const LOOPBACK = /loopback/;

describe("outboundUrlProblem: public https URLs", () => {
  it.each([
    "https://erp.example.com/api/v1",
    "https://erp.example.com:8443/api?x=1#frag",
    "https://93.184.216.34/x",
    "https://8.8.8.8/",
    "https://172.32.0.1/",
    "https://100.128.0.1/",
    "https://192.0.43.10/", // public, though inside 192.0.0.0/16
    "https://[2606:4700::1111]/",
    "https://[2001:4860:4860::8888]:443/dns",
  ])("accepts %s", (url) => {
    expect(outboundUrlProblem(url, strict)).toBeNull();
  });
});

describe("outboundUrlProblem: scheme, credentials, syntax", () => {
  it("rejects plain http to a public host, with or without the loopback flag", () => {
    expect(outboundUrlProblem("http://erp.example.com/api", strict)).toBe("must use https");
    expect(outboundUrlProblem("http://erp.example.com/api", dev)).toBe("must use https");
    expect(outboundUrlProblem("http://93.184.216.34/x", strict)).toBe("must use https");
  });

  it("rejects other schemes", () => {
    for (const url of ["ftp://erp.example.com/", "file:///etc/passwd", "ws://erp.example.com/", "data:text/plain,hi"]) {
      expect(outboundUrlProblem(url, dev), url).not.toBeNull();
    }
  });

  it("rejects a user name or password in the URL", () => {
    expect(outboundUrlProblem("https://user:pass@erp.example.com/", strict)).toMatch(/user name or password/);
    expect(outboundUrlProblem("https://user@erp.example.com/", strict)).toMatch(/user name or password/);
    expect(outboundUrlProblem("https://:pass@erp.example.com/", strict)).toMatch(/user name or password/);
  });

  it("rejects text that is not an absolute URL", () => {
    for (const raw of ["not-a-url", "", "/api/v1", "erp.example.com", "https://", "https://exa mple.com/"]) {
      expect(outboundUrlProblem(raw, strict), raw).toBe("is not a valid absolute URL");
    }
  });
});

describe("outboundUrlProblem: private and reserved IPv4", () => {
  it.each([
    "https://10.0.0.1/",
    "https://10.255.255.255/",
    "https://172.16.0.1/",
    "https://172.20.10.5/",
    "https://172.31.255.254/",
    "https://192.168.1.1/",
    "https://169.254.169.254/latest/meta-data/",
    "https://169.254.0.1/",
    "https://100.64.0.1/",
    "https://100.127.255.255/",
    "https://0.0.0.0/",
    "https://0.1.2.3/",
    "https://224.0.0.1/",
    "https://239.255.255.250/",
    "https://255.255.255.255/",
    "https://198.18.0.1/",
    "https://192.0.0.8/",
    "https://192.0.2.10/",
    "https://198.51.100.7/",
    "https://203.0.113.9/",
  ])("rejects %s", (url) => {
    expect(outboundUrlProblem(url, strict)).toMatch(PRIVATE);
    expect(outboundUrlProblem(url, dev)).toMatch(PRIVATE);
  });

  it.each([
    "http://2130706433/",
    "https://2130706433/",
    "https://0x7f.1/",
    "https://0177.0.0.1/",
    "https://0x7f000001/",
    "https://127.1/",
    "https://127.0.0.1./",
  ])("rejects %s, which the URL parser normalises to a loopback address", (url) => {
    expect(new URL(url).hostname).toMatch(/^127\./);
    expect(outboundUrlProblem(url, strict)).toMatch(LOOPBACK);
  });

  it.each([
    ["https://0xa.1/", "10.0.0.1"],
    ["https://167772161/", "10.0.0.1"],
    ["https://0251.0376.0251.0376/", "169.254.169.254"],
    ["https://0xc0.0xa8.1.1/", "192.168.1.1"],
  ])("rejects %s (= %s)", (url, normalised) => {
    expect(new URL(url).hostname).toBe(normalised);
    expect(outboundUrlProblem(url, strict)).toMatch(PRIVATE);
  });
});

describe("outboundUrlProblem: IPv6", () => {
  it.each([
    ["https://[::1]/", LOOPBACK],
    ["https://[0:0:0:0:0:0:0:1]/", LOOPBACK],
    ["https://[::]/", PRIVATE],
    ["https://[fc00::1]/", PRIVATE],
    ["https://[fd12:3456:789a::1]/", PRIVATE],
    ["https://[fe80::1]/", PRIVATE],
    ["https://[febf::1]/", PRIVATE],
    ["https://[ff02::1]/", PRIVATE],
    ["https://[::ffff:127.0.0.1]/", PRIVATE],
    ["https://[::ffff:10.0.0.1]/", PRIVATE],
    ["https://[::ffff:169.254.169.254]/", PRIVATE],
    ["https://[64:ff9b::a00:1]/", PRIVATE],
    ["https://[2001:db8::1]/", PRIVATE],
  ])("rejects %s", (url, problem) => {
    expect(outboundUrlProblem(url, strict)).toMatch(problem);
  });

  it("accepts a public IPv6 address", () => {
    expect(outboundUrlProblem("https://[2606:4700::1111]/", strict)).toBeNull();
    expect(outboundUrlProblem("https://[2606:4700:4700::1001]/", dev)).toBeNull();
  });

  it("rejects plain http to a public IPv6 address", () => {
    expect(outboundUrlProblem("http://[2606:4700::1111]/", strict)).toBe("must use https");
  });
});

describe("outboundUrlProblem: special-use host names", () => {
  it.each([
    ["https://localhost/", LOOPBACK],
    ["https://LOCALHOST:8443/", LOOPBACK],
    ["https://foo.localhost/", /public host name/],
    ["https://metadata.google.internal/computeMetadata/v1/", /public host name/],
    ["https://db.corp.internal/", /public host name/],
    ["https://printer.local/", /public host name/],
  ])("rejects %s", (url, problem) => {
    expect(outboundUrlProblem(url, strict)).toMatch(problem);
  });

  it.each([
    "https://localhost./",
    "https://foo.localhost./",
    "https://metadata.google.internal./computeMetadata/v1/",
    "https://printer.local./",
  ])("rejects %s (the same name as a fully qualified name with a trailing dot)", (url) => {
    expect(outboundUrlProblem(url, strict)).not.toBeNull();
  });

  it("does not mistake names that merely contain those words for special-use names", () => {
    expect(outboundUrlProblem("https://localhost.example.com/", strict)).toBeNull();
    expect(outboundUrlProblem("https://internal.example.com/", strict)).toBeNull();
    expect(outboundUrlProblem("https://mylocal.example.com/", strict)).toBeNull();
  });
});

describe("outboundUrlProblem: loopback for local development", () => {
  const loopbacks = ["http://127.0.0.1:8790", "http://localhost:8790/api", "http://[::1]:8790/", "http://127.9.9.9/"];

  it.each(loopbacks)("rejects %s when allowLoopbackHttp is off", (url) => {
    expect(outboundUrlProblem(url, strict)).toMatch(LOOPBACK);
  });

  it.each(loopbacks)("accepts %s when allowLoopbackHttp is on", (url) => {
    expect(outboundUrlProblem(url, dev)).toBeNull();
  });

  it("accepts https to loopback only with the flag", () => {
    expect(outboundUrlProblem("https://localhost:8790/", strict)).toMatch(LOOPBACK);
    expect(outboundUrlProblem("https://localhost:8790/", dev)).toBeNull();
  });

  it("still rejects private, non-loopback addresses with the flag on", () => {
    expect(outboundUrlProblem("http://10.0.0.1:8790/", dev)).not.toBeNull();
    expect(outboundUrlProblem("https://10.0.0.1:8790/", dev)).toMatch(PRIVATE);
    expect(outboundUrlProblem("http://192.168.1.10/", dev)).not.toBeNull();
    expect(outboundUrlProblem("https://169.254.169.254/", dev)).toMatch(PRIVATE);
    expect(outboundUrlProblem("http://0.0.0.0:8790/", dev)).not.toBeNull();
  });

  it("does not let the flag admit credentials in a loopback URL", () => {
    expect(outboundUrlProblem("http://user:pass@localhost:8790/", dev)).toMatch(/user name or password/);
  });
});
