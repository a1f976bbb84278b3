import { describe, expect, it } from "vitest";
import { UpstreamError } from "../../../src/net/upstream-error.ts";
import {
  configureLogo,
  logoConnector,
  logoSim,
  logoStats,
  newLogoTenant,
  readStream,
  refsOf,
} from "../../helpers/logo.ts";

const range = (n: number) => Array.from({ length: n }, (_, k) => k + 1);

describe("Logo login", () => {
  it("logs in once and reuses the token for every page", async () => {
    const tenant = newLogoTenant("once");
    await configureLogo(tenant, { items: 120 });
    const read = await readStream(logoConnector(tenant), "items", 25);
    expect(read.pages).toHaveLength(5);
    // A new connector instance (the next queue message) still uses the cached token.
    await readStream(logoConnector(tenant), "prices", 100);
    expect(await logoStats(tenant)).toMatchObject({ logins: 1, requests: 7 });
  });

  it("logs in again exactly once when the token expires mid-sync, and the read completes", async () => {
    const tenant = newLogoTenant("relogin");
    await configureLogo(tenant, { items: 200 });
    const read = await readStream(logoConnector(tenant), "items", 50, {
      between: async (pages) => {
        if (pages === 2) await logoSim(tenant, "POST", "/expire-tokens");
      },
    });
    expect(refsOf(read.rows)).toEqual(range(200));
    const stats = await logoStats(tenant);
    expect(stats.logins).toBe(2);
    // Four pages and the one call refused with the expired token.
    expect(stats.requests).toBe(5);
  });

  it("logs in again before the token's expires_in runs out, without waiting for a 401", async () => {
    const tenant = newLogoTenant("ttl");
    await configureLogo(tenant, { tokenTtlSeconds: 1 });
    const connector = logoConnector(tenant);
    await connector.fetchPage("items", null, 5);
    await new Promise((resolve) => setTimeout(resolve, 1100));
    await connector.fetchPage("items", null, 5);
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

  it("fails for good with Logo's own words when the password is wrong (status 401 for the circuit)", async () => {
    const tenant = newLogoTenant("bad-password");
    const error = await logoConnector(tenant, { credentials: { password: "wrong" } })
      .fetchPage("items", null, 10)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UpstreamError);
    expect(error).toMatchObject({
      retryable: false,
      status: 401,
      message: "Logo login failed: Kullanıcı adı veya şifre hatalı",
    });
  });

  it("fails for good when the REST client id and secret are wrong, or the firm does not exist", async () => {
    const tenant = newLogoTenant("bad-client");
    await configureLogo(tenant, { clientId: "ACME", clientSecret: "acme-secret" });
    const defaults = await logoConnector(tenant)
      .fetchPage("items", null, 10)
      .catch((e: unknown) => e);
    expect(defaults).toMatchObject({ retryable: false, status: 401, message: expect.stringContaining("client") });
    const firm = await logoConnector(tenant, {
      credentials: { clientId: "ACME", clientSecret: "acme-secret", firmNo: 9 },
    })
      .fetchPage("items", null, 10)
      .catch((e: unknown) => e);
    expect(firm).toMatchObject({ retryable: false, status: 401, message: expect.stringContaining("9 numaralı firma") });
    const right = await logoConnector(tenant, {
      credentials: { clientId: "ACME", clientSecret: "acme-secret" },
    }).fetchPage("items", null, 10);
    expect(right.rows).toHaveLength(10);
  });
});

describe("Logo failures", () => {
  it("turns a 429 with Retry-After into a retryable error that says how long to wait", async () => {
    const tenant = newLogoTenant("429");
    await configureLogo(tenant, { rateLimitNext: 1, retryAfterSeconds: 3 });
    const error = await logoConnector(tenant)
      .fetchPage("stock", null, 10)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UpstreamError);
    expect(error).toMatchObject({ retryable: true, status: 429, retryAfterSeconds: 3 });
    // The next attempt goes through.
    expect((await logoConnector(tenant).fetchPage("stock", null, 10)).rows).toHaveLength(10);
  });

  it("retries 5xx but not a 403, each with Logo's description in the message", async () => {
    const tenant = newLogoTenant("5xx");
    await configureLogo(tenant, { failNext: 1, failStatus: 503 });
    const unavailable = await logoConnector(tenant)
      .fetchPage("prices", null, 10)
      .catch((e: unknown) => e);
    expect(unavailable).toMatchObject({ retryable: true, status: 503, message: expect.stringContaining("failNext") });

    await configureLogo(tenant, { users: [{ username: "logo", password: "logo-pass", permissions: ["items"] }] });
    const denied = await logoConnector(tenant)
      .fetchPage("prices", null, 10)
      .catch((e: unknown) => e);
    expect(denied).toMatchObject({
      retryable: false,
      status: 403,
      message: "Logo GET /salesItemPrices answered 403: 'logo' kullanıcısının satış fiyatlarını okuma yetkisi yok",
    });
  });
});
