import { describe, expect, it, vi } from "vitest";
import { UpstreamError } from "../../../src/net/upstream-error.ts";
import {
  catalogueRefs,
  configureLogo,
  failureOf,
  logoConnector,
  logoEndpoint,
  logoSim,
  logoStats,
  newLogoTenant,
  readStream,
  refsOf,
} from "../../helpers/logo.ts";

describe("Logo login", () => {
  it("logs in once and reuses the token for every page, also in the next queue message", async () => {
    const tenant = newLogoTenant("once");
    await configureLogo(tenant, { items: 120 });
    const read = await readStream(logoConnector(tenant), "items", 25);
    expect(refsOf(read.rows)).toEqual(catalogueRefs(120));
    await logoConnector(tenant).fetchPage("prices", null, 100);
    expect((await logoStats(tenant)).logins).toBe(1);
  });

  it.each([["bare"], ["message"], ["loginError"]])(
    "logs in again exactly once when the token is refused as %s, and the read completes",
    async (unauthorized) => {
      const tenant = newLogoTenant(`relogin-${unauthorized}`);
      await configureLogo(tenant, { items: 200, unauthorized });
      const read = await readStream(logoConnector(tenant), "items", 50, {
        between: async (pages) => {
          if (pages === 2) await logoSim(tenant, "POST", "/expire-tokens");
        },
      });
      expect(refsOf(read.rows)).toEqual(catalogueRefs(200));
      expect((await logoStats(tenant)).logins).toBe(2);
    },
  );

  it("costs one login when the token expires in the middle of a read", async () => {
    const tenant = newLogoTenant("expiry");
    await configureLogo(tenant, { items: 100, expireTokensAfter: 3 });
    const read = await readStream(logoConnector(tenant), "items", 20);
    expect(refsOf(read.rows)).toEqual(catalogueRefs(100));
    expect((await logoStats(tenant)).logins).toBe(2);
  });

  it("logs in again before the token's expires_in runs out, without waiting for a 401", async () => {
    const tenant = newLogoTenant("ttl");
    await configureLogo(tenant, { tokenTtlSeconds: 1 });
    const connector = logoConnector(tenant);
    await connector.fetchPage("items", null, 5);
    // The gateway's clock moves past expires_in (1 s); the simulator's token would still work.
    vi.useFakeTimers({ toFake: ["Date"] });
    try {
      vi.setSystemTime(Date.now() + 1100);
      await connector.fetchPage("items", null, 5);
    } finally {
      vi.useRealTimers();
    }
    // Two logins, and no call refused for an expired token.
    expect(await logoStats(tenant)).toMatchObject({ logins: 2, requests: 2 });
  });

  it("does not log in per integration twice, but does for another integration or new credentials", async () => {
    const tenant = newLogoTenant("keys");
    await configureLogo(tenant, {
      users: [
        { username: "logo", password: "logo-pass", permissions: ["items"] },
        { username: "other", password: "other-pass", permissions: ["items"] },
      ],
    });
    await logoConnector(tenant).fetchPage("items", null, 5);
    await logoConnector(tenant).fetchPage("items", null, 5);
    await logoConnector(tenant, { integrationId: `int_${tenant}_2` }).fetchPage("items", null, 5);
    await logoConnector(tenant, { credentials: { username: "other", password: "other-pass" } }).fetchPage(
      "items",
      null,
      5,
    );
    expect((await logoStats(tenant)).logins).toBe(3);
  });

  it('takes the firm number as 1 or "001", and the endpoint as the server, …/api or …/api/v1', async () => {
    const tenant = newLogoTenant("forms");
    const server = logoEndpoint(tenant).replace(/\/api\/v1$/, "");
    for (const [n, credentials] of [
      { firmNo: "001", endpoint: `${server}/api` },
      { firmNo: 1, endpoint: `${server}/api/v1/` },
    ].entries()) {
      const page = await logoConnector(tenant, { credentials, integrationId: `int_${tenant}_${n}` }).fetchPage(
        "items",
        null,
        5,
      );
      expect(page.rows).toHaveLength(5);
    }
  });

  it("fails for good with Logo's own words when the password is wrong (status 401 for the circuit)", async () => {
    const tenant = newLogoTenant("bad-password");
    const error = await failureOf(
      logoConnector(tenant, { credentials: { password: "wrong" } }).fetchPage("items", null, 10),
    );
    expect(error).toBeInstanceOf(UpstreamError);
    expect(error).toMatchObject({ retryable: false, status: 401 });
    expect(error.message).toMatch(/^Logo login failed: /);
  });

  it("sends the REST client only when configured, and says what to set when the service checks it", async () => {
    const tenant = newLogoTenant("client");
    await configureLogo(tenant, { checkClient: true, clientId: "ACME", clientSecret: "acme-secret" });
    const missing = await failureOf(logoConnector(tenant).fetchPage("items", null, 10));
    expect(missing).toMatchObject({ retryable: false, status: 401 });
    expect(missing.message).toContain("set credentials.clientId and clientSecret");
    const wrong = await failureOf(
      logoConnector(tenant, { credentials: { clientId: "ACME", clientSecret: "nope" } }).fetchPage("items", null, 10),
    );
    expect(wrong.message).toContain("check credentials.clientId and clientSecret");
    const right = await logoConnector(tenant, {
      credentials: { clientId: "ACME", clientSecret: "acme-secret" },
    }).fetchPage("items", null, 10);
    expect(right.rows).toHaveLength(10);

    // A service that does not check takes a login without any client at all (L4 sends none).
    const open = newLogoTenant("no-client");
    expect((await logoConnector(open).fetchPage("items", null, 3)).rows).toHaveLength(3);
  });

  it("fails for good when the firm does not exist", async () => {
    const tenant = newLogoTenant("bad-firm");
    const error = await failureOf(logoConnector(tenant, { credentials: { firmNo: 9 } }).fetchPage("items", null, 10));
    expect(error).toMatchObject({ retryable: false, status: 401 });
  });
});

describe("Logo failures", () => {
  it("turns a 429 with Retry-After into a retryable error that says how long to wait", async () => {
    const tenant = newLogoTenant("429");
    await configureLogo(tenant, { rateLimitNext: 1, retryAfterSeconds: 3 });
    const error = await failureOf(logoConnector(tenant).fetchPage("prices", null, 10));
    expect(error).toBeInstanceOf(UpstreamError);
    expect(error).toMatchObject({ retryable: true, status: 429, retryAfterSeconds: 3 });
    // The next attempt goes through.
    expect((await logoConnector(tenant).fetchPage("prices", null, 10)).rows.length).toBeGreaterThan(0);
  });

  it("retries a 5xx; a refusal in ModelState is not retried and says it in Logo's words", async () => {
    const tenant = newLogoTenant("5xx");
    await configureLogo(tenant, { failNext: 1, failStatus: 503 });
    const unavailable = await failureOf(logoConnector(tenant).fetchPage("prices", null, 10));
    expect(unavailable).toMatchObject({ retryable: true, status: 503 });
    expect(unavailable.message).toContain("An error has occurred.");

    await configureLogo(tenant, { users: [{ username: "logo", password: "logo-pass", permissions: ["items"] }] });
    const denied = await failureOf(logoConnector(tenant).fetchPage("prices", null, 10));
    expect(denied).toMatchObject({ retryable: false, status: 400 });
    // Logo's words, not a JSON dump.
    expect(denied.message).toMatch(/^Logo GET \/salesItemPrices answered 400: [^{]*yetki/);
    expect(denied.problem.keys).toEqual(["LOError:"]);
  });
});
